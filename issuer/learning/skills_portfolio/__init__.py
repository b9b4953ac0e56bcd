"""Skills portfolios: a learner's evidence files and links, and skills their credentials show.

Only the learner reads and changes their portfolio (`/api/v1/me/portfolio`); a public one is
readable, without login, at `/portfolios/<id>`. Evidence bytes live in `storage.Storage`
(a local directory, or S3-compatible storage), under keys we generate, never under names a
client chose. Attached to a path, items become the OB 3.0 `evidence` of its certificate
(`services.evidence_for`).
"""
