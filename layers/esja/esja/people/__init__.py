"""Who a person is to ESJA: the keyed hash of their address, the roles they hold, the Actor a space acts for."""
