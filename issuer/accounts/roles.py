"""Roles, permissions, and which role holds which permission: the whole authorisation policy."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role within one tenant (platform admin is a user flag, across tenants)."""

    ISSUER_ADMIN = "issuer_admin"
    BADGE_CREATOR = "badge_creator"
    CONTENT_REVIEWER = "content_reviewer"
    MENTOR = "mentor"
    ENDORSER = "endorser"
    EARNER = "earner"


class Permission(StrEnum):
    """What an endpoint requires; API-client scopes use the same strings."""

    TENANTS_READ = "tenants:read"
    TENANTS_WRITE = "tenants:write"
    TENANTS_ADMIN = "tenants:admin"  # create and delete tenants: platform admins only
    ISSUERS_READ = "issuers:read"
    ISSUERS_WRITE = "issuers:write"
    KEYS_READ = "keys:read"
    KEYS_WRITE = "keys:write"
    MEMBERS_READ = "members:read"
    MEMBERS_WRITE = "members:write"
    CLIENTS_READ = "clients:read"
    CLIENTS_WRITE = "clients:write"
    AUDIT_READ = "audit:read"
    ACHIEVEMENTS_READ = "achievements:read"
    ACHIEVEMENTS_WRITE = "achievements:write"
    CREDENTIALS_READ = "credentials:read"
    CREDENTIALS_ISSUE = "credentials:issue"
    CREDENTIALS_REVOKE = "credentials:revoke"  # revoke, suspend and reinstate
    PATHS_READ = "paths:read"  # certification paths, cohorts, frameworks
    PATHS_WRITE = "paths:write"  # author paths, run cohorts, attach certificates
    PATHS_PUBLISH = "paths:publish"  # review: publish, send back or retire a path
    LEARNERS_READ = "learners:read"  # learners' progress, evaluations and reports
    EVIDENCE_VALIDATE = "evidence:validate"  # decide on evidence (also needs the path's mentor)
    LEARN = "learning:participate"  # enrol yourself, take evaluations, submit evidence


PLATFORM_PERMISSIONS = frozenset(Permission)
TENANT_PERMISSIONS = PLATFORM_PERMISSIONS - {Permission.TENANTS_ADMIN}

_STAFF = frozenset(
    {
        Permission.TENANTS_READ,
        Permission.ISSUERS_READ,
        Permission.ACHIEVEMENTS_READ,
        Permission.PATHS_READ,
        Permission.LEARNERS_READ,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ISSUER_ADMIN: TENANT_PERMISSIONS,
    Role.BADGE_CREATOR: _STAFF
    | {
        Permission.KEYS_READ,
        Permission.ACHIEVEMENTS_WRITE,
        Permission.CREDENTIALS_READ,
        Permission.CREDENTIALS_ISSUE,
        Permission.PATHS_WRITE,
    },
    Role.CONTENT_REVIEWER: _STAFF | {Permission.PATHS_PUBLISH},
    Role.MENTOR: _STAFF | {Permission.EVIDENCE_VALIDATE},
    Role.ENDORSER: _STAFF,
    Role.EARNER: frozenset({Permission.TENANTS_READ, Permission.PATHS_READ, Permission.LEARN}),
}

# An API client acts for an institution's systems; it never manages people or other clients.
# Learning is done by people, so clients never hold LEARN either.
CLIENT_SCOPES = TENANT_PERMISSIONS - {
    Permission.MEMBERS_WRITE,
    Permission.CLIENTS_READ,
    Permission.CLIENTS_WRITE,
    Permission.LEARN,
}
