"""What a caller said at the main menu, to the intent it names: a small classifier trained on this machine.

`catalogue` reads the intents file (examples, what each intent is called, the
thresholds), `classifier` trains and caches the model, `learned` reads the
phrases agents' wrap-ups teach, and `handlers` are the flow handlers.
"""
