"""Users: who they are, what they may do, and how they log in.

`actor_load` is called on every user action: a user who was locked, deactivated or
whose roles or countries changed is out, or narrowed, at their next click.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlmodel import Session, col, delete, func, select

from care.access import Actor, Role, require
from care.audit import audit_record
from care.concurrency import claim
from care.errors import DomainError, NotPermitted, Problems
from care.ui.markdown import md_escape
from care.i18n import LANGUAGES, _
from care.login import sign_ins_end_all
from care.countries import is_country
from care.passwords import check_password, generate_password, hash_password, password_problem
from care.text import checked_text
from care.timezones import default_zone, is_zone
from db.models import (PartnerOrganisation, Programme, ProgrammeCountry, RecoveryCode, User, UserCountry, UserProgramme,
                       UserRole, utcnow)

NAME_MAX, EMAIL_MAX = 200, 254  # the columns' lengths


def _normal_username(username: str) -> str:
    return username.strip().lower()


def actor_load(session: Session, username: str) -> Actor:
    """The acting user as the database says now; refuses locked or inactive users."""
    user = session.exec(select(User).where(User.username == _normal_username(username))).first()
    if user is None or not user.is_active or user.locked:
        raise NotPermitted(_("Your account is locked or inactive. Ask an administrator."))
    return _actor_of(session, user)


def _actor_of(session: Session, user: User) -> Actor:
    roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    countries = session.exec(select(UserCountry.country).where(UserCountry.user_id == user.id)).all()
    programmes = session.exec(select(UserProgramme.programme_id).where(UserProgramme.user_id == user.id)).all()
    zone = user.time_zone or default_zone(session, frozenset(countries), frozenset(programmes))
    sides = session.exec(select(ProgrammeCountry.kind, ProgrammeCountry.country).where(
        col(ProgrammeCountry.programme_id).in_(programmes), col(ProgrammeCountry.country).in_(countries))).all() \
        if programmes and countries else []
    return Actor(
        id=user.id,
        username=user.username,
        name=user.name,
        roles=frozenset(Role(r) for r in roles),
        countries=frozenset(countries),
        programme_ids=frozenset(programmes),
        language=user.language,
        time_zone=zone,
        must_change_password=user.must_change_password,
        partner_id=user.partner_id,
        host_countries=frozenset(c for kind, c in sides if kind == "host"),
        return_countries=frozenset(c for kind, c in sides if kind == "return"),
    )


@dataclass(frozen=True)
class NewUser:
    username: str
    name: str
    password: str
    roles: tuple[str, ...]
    email: str = ""
    countries: tuple[str, ...] = ()
    programme_codes: tuple[str, ...] = ()
    language: str = "en"
    must_change_password: bool = True
    partner_id: int | None = None  # the partner organisation: required for the partner role, refused otherwise


def _validate_profile(session: Session, problems: Problems, *, name: str, email: str, roles, countries,
                      programme_codes, partner_id: int | None = None) -> None:
    """The rules a user's profile follows, at creation and at every change."""
    checked_text(problems, "name", name, limit=NAME_MAX, required=_("The name is required."))
    email = checked_text(problems, "email", email, limit=EMAIL_MAX)
    if email and ("@" not in email or " " in email):
        problems.add("email", _("This does not look like an e-mail address."))
    if not roles or any(r not in Role._value2member_map_ for r in roles):
        problems.add("roles", _("Choose at least one role."))
    if Role.FOCAL_POINT in roles and not countries:
        problems.add("countries", _("A focal point needs at least one country."))
    bad = [c for c in countries if not is_country(c)]
    if bad:
        problems.add("countries", _("Unknown country code: {codes}").format(codes=md_escape(", ".join(bad))))
    known = set(session.exec(select(Programme.code)).all())
    unknown = sorted(set(programme_codes) - known)
    if unknown:
        problems.add("programmes", _("Unknown programme: {codes}").format(codes=md_escape(", ".join(unknown))))
    _validate_partner(session, problems, roles=roles, countries=countries, programme_codes=programme_codes,
                      partner_id=partner_id)


def _validate_partner(session: Session, problems: Problems, *, roles, countries, programme_codes,
                      partner_id: int | None) -> None:
    """A partner user works for one active partner organisation and for nothing else: no other
    role, no country, no programme (what they see comes only from the referrals to it)."""
    if Role.PARTNER not in roles:
        if partner_id is not None:
            problems.add("partner_id", _("Only a partner user belongs to a partner organisation."))
        return
    if len(set(roles)) > 1:
        problems.add("roles", _("A partner user has the partner role only."))
    if countries:
        problems.add("countries", _("A partner user has no countries: they see only what is referred to them."))
    if programme_codes:
        problems.add("programmes", _("A partner user has no programmes: they see only what is referred to them."))
    if partner_id is None:
        problems.add("partner_id", _("Choose the partner organisation this user works for."))
        return
    org = session.get(PartnerOrganisation, partner_id)
    if org is None or not org.active:
        problems.add("partner_id", _("Choose an active partner organisation."))


def _validate_new_user(session: Session, data: NewUser) -> Problems:
    problems = Problems()
    username = _normal_username(data.username)
    if not username or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        problems.add("username", _("A username uses letters, digits, dot, dash or underscore."))
    elif len(username) > 64:
        problems.add("username", _("A username has at most 64 characters."))
    elif session.exec(select(User).where(User.username == username)).first():
        problems.add("username", _("This username is taken."))
    _validate_profile(session, problems, name=data.name, email=data.email, roles=data.roles,
                      countries=data.countries, programme_codes=data.programme_codes, partner_id=data.partner_id)
    if data.language not in LANGUAGES:
        problems.add("language", _("Unknown language."))
    problem = password_problem(data.password, username=username, name=data.name)
    if problem:
        problems.add("password", problem)
    return problems


def user_create(session: Session, data: NewUser, *, actor: Actor | None) -> User:
    """Create a user. `actor` None is the command line or the demo seed (audited as system)."""
    if actor is not None:
        require(actor, Role.ADMIN)
    _validate_new_user(session, data).raise_if_any()
    user = User(
        username=_normal_username(data.username),
        name=data.name.strip(),
        email=data.email.strip(),
        password_hash=hash_password(data.password),
        language=data.language,
        must_change_password=data.must_change_password,
        partner_id=data.partner_id,
        updated_by_id=actor.id if actor else None,
    )
    session.add(user)
    session.flush()
    _set_links(session, user.id, data.roles, data.countries, data.programme_codes)
    audit_record(session, actor, "user.create", entity="user", entity_id=user.id,
                 detail={"username": user.username, "roles": list(data.roles), "countries": list(data.countries),
                         "programmes": list(data.programme_codes), "partner_id": data.partner_id}, username="system")
    return user


def user_add(session: Session, actor: Actor, *, data: NewUser, generate: bool = False) -> str | None:
    """An administrator adds a user with a one-time password the user must change at first login.

    With `generate` the app makes a strong one and returns it, so the page can show it
    once; only its hash is stored.
    """
    require(actor, Role.ADMIN)
    password = data.password
    if generate:
        password = generate_password(username=_normal_username(data.username), name=data.name)
    user_create(session, replace(data, password=password, must_change_password=True), actor=actor)
    return password if generate else None


def _set_links(session: Session, user_id: int, roles, countries, programme_codes) -> None:
    for model in (UserRole, UserCountry, UserProgramme):
        session.exec(delete(model).where(model.user_id == user_id))
    for r in sorted(set(roles)):
        session.add(UserRole(user_id=user_id, role=r))
    for c in sorted({c.upper() for c in countries}):
        session.add(UserCountry(user_id=user_id, country=c))
    if programme_codes:
        ids = session.exec(select(Programme.id).where(col(Programme.code).in_(programme_codes))).all()
        for pid in sorted(set(ids)):
            session.add(UserProgramme(user_id=user_id, programme_id=pid))
    session.flush()


def _user_by_name(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == _normal_username(username))).first()
    if user is None:
        raise DomainError(_("No such user: {u}").format(u=md_escape(username)), field="username")
    return user


def _active_admins_besides(session: Session, user_id: int) -> int:
    """How many administrators could still log in without this user."""
    return session.exec(
        select(func.count()).select_from(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN.value, User.id != user_id,
               User.is_active == True, User.locked == False)  # noqa: E712
    ).one()


def _is_admin(session: Session, user_id: int) -> bool:
    return session.get(UserRole, (user_id, Role.ADMIN.value)) is not None


def _refuse_locking_out(session: Session, actor: Actor | None, user: User) -> None:
    """Nobody shuts themselves out, and the last administrator stays (the command line can)."""
    if actor is None:
        return
    if user.id == actor.id:
        raise DomainError(_("You cannot lock or deactivate your own account."))
    if _is_admin(session, user.id) and _active_admins_besides(session, user.id) == 0:
        raise DomainError(_("This is the last administrator who can log in: add another one first."))


def user_set_locked(session: Session, username: str, locked: bool, *, actor: Actor | None) -> User:
    """Lock (every login cookie stops working, the user is out at their next click) or unlock."""
    if actor is not None:
        require(actor, Role.ADMIN)
    user = _user_by_name(session, username)
    if locked:
        _refuse_locking_out(session, actor, user)
    user.locked = locked
    if locked:
        user.sessions_revoked_at = utcnow()
        sign_ins_end_all(session, user.id, "locked")
    else:
        user.failed_logins = 0
        user.lock_count = 0
        user.locked_until = None
    _touch(user, actor)
    session.add(user)
    audit_record(session, actor, "user.unlock" if not locked else "user.lock", entity="user",
                 entity_id=user.id, detail={"username": user.username}, username="system")
    return user


def user_set_active(session: Session, username: str, active: bool, *, actor: Actor | None) -> User:
    """Deactivate (never delete: the audit log keeps pointing at the user) or reactivate."""
    if actor is not None:
        require(actor, Role.ADMIN)
    user = _user_by_name(session, username)
    if not active:
        _refuse_locking_out(session, actor, user)
        user.sessions_revoked_at = utcnow()
        sign_ins_end_all(session, user.id, "deactivated")
    user.is_active = active
    _touch(user, actor)
    session.add(user)
    audit_record(session, actor, "user.reactivate" if active else "user.deactivate", entity="user",
                 entity_id=user.id, detail={"username": user.username}, username="system")
    return user


def _touch(user: User, actor: Actor | None) -> None:
    """A change made without an edit form (a button): it still moves the version on, so an
    edit form opened before it is refused instead of silently undoing it."""
    user.version += 1
    user.updated_at = utcnow()
    user.updated_by_id = actor.id if actor else None


@dataclass(frozen=True)
class ProfileChange:
    """What an administrator may change about a user (the username never changes)."""

    name: str
    email: str
    roles: tuple[str, ...]
    countries: tuple[str, ...] = ()
    programme_codes: tuple[str, ...] = ()
    partner_id: int | None = None


def user_update(session: Session, actor: Actor, *, username: str, change: ProfileChange, version: int) -> User:
    """Change a user's name, e-mail, roles, countries and programmes.

    Takes effect at that user's next action, since the actor is read again at each one.
    """
    require(actor, Role.ADMIN)
    user = _user_by_name(session, username)
    before = _actor_of(session, user)
    problems = Problems()
    countries = tuple(sorted({c.strip().upper() for c in change.countries if c.strip()}))
    _validate_profile(session, problems, name=change.name, email=change.email, roles=change.roles,
                      countries=countries, programme_codes=change.programme_codes, partner_id=change.partner_id)
    if Role.ADMIN in before.roles and Role.ADMIN not in change.roles:
        if user.id == actor.id:
            problems.add("roles", _("You cannot remove your own administrator role: ask another administrator."))
        elif user.is_active and not user.locked and _active_admins_besides(session, user.id) == 0:
            problems.add("roles", _("This is the last administrator who can log in: add another one first."))
    problems.raise_if_any()

    codes = dict(session.exec(select(Programme.id, Programme.code)).all())
    old = {"name": user.name, "email": user.email, "roles": sorted(before.roles),
           "countries": sorted(before.countries), "programmes": sorted(codes[p] for p in before.programme_ids),
           "partner_id": user.partner_id}
    new = {"name": change.name.strip(), "email": change.email.strip(), "roles": sorted(set(change.roles)),
           "countries": list(countries), "programmes": sorted(set(change.programme_codes)),
           "partner_id": change.partner_id}
    diff = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
    if not diff:
        return user
    claim(session, actor, User, {"id": user.id}, version)
    user.name, user.email, user.partner_id = new["name"], new["email"], new["partner_id"]
    session.add(user)
    _set_links(session, user.id, change.roles, countries, change.programme_codes)
    audit_record(session, actor, "user.update", entity="user", entity_id=user.id,
                 detail={"username": user.username, "changes": diff})
    return user


def user_set_password(session: Session, username: str, password: str, *, actor: Actor | None,
                      must_change: bool = True) -> User:
    """An admin (or the command line) sets a password; the user changes it at next login."""
    if actor is not None:
        require(actor, Role.ADMIN)
    user = _user_by_name(session, username)
    problem = password_problem(password, username=user.username, name=user.name)
    if problem:
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    _touch(user, actor)
    session.add(user)
    audit_record(session, actor, "user.set_password", entity="user", entity_id=user.id,
                 detail={"username": user.username}, username="system")
    return user


def user_password_reset(session: Session, actor: Actor, *, username: str, password: str = "",
                        generate: bool = False) -> str | None:
    """An administrator gives a user a new one-time password (typed, or generated and returned
    to be shown once). The user's login cookies stop working and they choose their own next."""
    require(actor, Role.ADMIN)
    user = _user_by_name(session, username)
    if generate:
        password = generate_password(username=user.username, name=user.name)
    user_set_password(session, username, password, actor=actor, must_change=True)
    user.sessions_revoked_at = utcnow()
    sign_ins_end_all(session, user.id, "password reset")
    session.add(user)
    return password if generate else None


def own_password_change(session: Session, actor: Actor, current: str, new: str, repeat: str) -> None:
    user = session.get(User, actor.id)
    problems = Problems()
    if not check_password(current, user.password_hash):
        problems.add("current", _("The current password is not correct."))
    if new != repeat:
        problems.add("repeat", _("The two new passwords differ."))
    problem = password_problem(new, username=user.username, name=user.name)
    if problem:
        problems.add("new", problem)
    elif check_password(new, user.password_hash):
        problems.add("new", _("Choose a password different from the current one."))
    problems.raise_if_any()
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.version += 1
    user.updated_at = utcnow()
    session.add(user)
    audit_record(session, actor, "user.change_own_password", entity="user", entity_id=user.id)


def own_language_set(session: Session, actor: Actor, language: str) -> None:
    if language not in LANGUAGES:
        raise DomainError(_("Unknown language."), field="language")
    user = session.get(User, actor.id)
    if user.language != language:
        user.language = language
        session.add(user)
        audit_record(session, actor, "user.set_language", entity="user", entity_id=user.id, detail=language)


def own_time_zone_set(session: Session, actor: Actor, zone: str) -> None:
    """The zone the user's moments are shown in; "" goes back to the country's zone."""
    if zone and not is_zone(zone):
        raise DomainError(_("Unknown time zone."), field="time_zone")
    user = session.get(User, actor.id)
    if user.time_zone != zone:
        user.time_zone = zone
        session.add(user)
        audit_record(session, actor, "user.set_time_zone", entity="user", entity_id=user.id, detail=zone or "default")


@dataclass(frozen=True)
class UserRow:
    username: str
    name: str
    roles: list[str]
    countries: list[str]
    programmes: list[str]
    last_login_at: datetime | None
    locked: bool
    is_active: bool
    id: int = 0
    email: str = ""
    must_change_password: bool = False
    version: int = 1
    partner_id: int | None = None


def users_list(session: Session, *, actor: Actor | None) -> list[UserRow]:
    if actor is not None:
        require(actor, Role.ADMIN)
    rows = []
    codes = dict(session.exec(select(Programme.id, Programme.code)).all())
    for user in session.exec(select(User).order_by(User.username)).all():
        a = _actor_of(session, user)
        rows.append(UserRow(
            username=user.username, name=user.name, roles=sorted(a.roles), countries=sorted(a.countries),
            programmes=sorted(codes[p] for p in a.programme_ids), last_login_at=user.last_login_at,
            locked=user.locked, is_active=user.is_active, id=user.id, email=user.email,
            must_change_password=user.must_change_password, version=user.version, partner_id=user.partner_id,
        ))
    return rows


# --- login -------------------------------------------------------------------------


def login_credentials(session: Session) -> dict:
    """Who may sign in now (active, not locked by an administrator), with their hashes."""
    users = session.exec(select(User).where(User.is_active == True, User.locked == False)).all()  # noqa: E712
    return {
        "usernames": {
            u.username: {"name": u.name, "email": u.email, "password": u.password_hash, "failed_login_attempts": 0}
            for u in users
        }
    }


def logout_record(session: Session, actor: Actor, reason: str = "user") -> None:
    """Log out: every login cookie this user holds, on any browser, stops working."""
    user = session.get(User, actor.id)
    user.sessions_revoked_at = utcnow()
    session.add(user)
    sign_ins_end_all(session, user.id, reason)
    audit_record(session, actor, "logout", entity="user", entity_id=actor.id, detail={"reason": reason})


def cookie_login_allowed(session: Session, username: str, issued_at: datetime) -> bool:
    """A login cookie is honoured only if issued after the user's last logout or lock."""
    user = session.exec(select(User).where(User.username == _normal_username(username))).first()
    if user is None or not user.is_active or user.locked:
        return False
    revoked = user.sessions_revoked_at
    if revoked is None:
        return True
    if revoked.tzinfo is None:  # SQLite returns naive UTC
        revoked = revoked.replace(tzinfo=UTC)
    return issued_at > revoked


# --- second factor ---------------------------------------------------------------------


def second_factor_reset(session: Session, actor: Actor | None, username: str) -> None:
    """An administrator (or the command line) clears a user's second factor (a lost phone and no
    recovery code left): the user enrols again at their next sign-in, if their role needs it."""
    if actor is not None:
        require(actor, Role.ADMIN)
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise DomainError(_("No such user: {u}").format(u=md_escape(username)), field="username")
    user.totp_secret = None
    user.totp_enabled_at = None
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all():
        session.delete(old)
    session.add(user)
    sign_ins_end_all(session, user.id, "2fa reset")
    audit_record(session, actor, "second_factor.reset", entity="user", entity_id=user.id,
                 detail={"username": user.username}, username="system")
