"""The W3C VC-API: /credentials/issue and /credentials/verify for wallets and test suites."""
