"""One module per `tpm-match` command group; each exposes `register(app)`."""
