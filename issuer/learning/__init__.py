"""Learning programs: paths, evaluations, peer validation, portfolios, interoperability."""
