"""`prov run`: a whole Entra provisioning cycle offline (inputs → cycle → directory → log)."""
