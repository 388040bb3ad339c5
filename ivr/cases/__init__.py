"""Cases (service requests): reference numbers, opening and updating, and the call log behind them."""
