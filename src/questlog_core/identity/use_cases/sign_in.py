"""Registration and sign-in: new accounts, and password sign-ins that start a session."""

from __future__ import annotations

from questlog_core.errors import AlreadyExists, AuthenticationFailed, ValidationFailed
from questlog_core.identity.passwords import normalise_password
from questlog_core.identity.use_cases.base import AuthBase
from questlog_core.identity.use_cases.results import RegistrationReceipt, SignedIn, TokenPair
from questlog_core.identity.use_cases.second_factor import SecondFactorRequired, issue_challenge
from questlog_core.identity.users import (
    User,
    normalise_email,
    validate_day_start_hour,
    validate_display_name,
    validate_timezone,
)
from questlog_core.kernel.ids import UserId
from questlog_core.ports.platform import EmailMessage


class SignInUseCases(AuthBase):
    """Registration and sign-in."""

    # -- registration and sign-in -------------------------------------------------------

    async def register(
        self,
        *,
        email: str,
        password: str,
        display_name: str,
        timezone: str = "UTC",
        day_start_hour: int = 0,
        ip: str | None = None,
    ) -> RegistrationReceipt:
        """Create an account; an address already registered gets the same receipt.

        The password is hashed either way (so both take the same time) and the address
        gets an email either way: a welcome, or "someone tried to register with your address".
        """
        if ip is not None:
            await self._throttle(
                f"auth:register:ip:{ip}",
                self.settings.registrations_per_ip,
                self.settings.registration_ip_window,
            )
        address = normalise_email(email)
        password = self.policy.check(password, email=address)
        name = validate_display_name(display_name)
        zone = validate_timezone(timezone)
        hour = validate_day_start_hour(day_start_hour)
        password_hash = await self._hasher.hash(password)
        created = False
        async with self._uow() as uow:
            if await uow.users.by_email(address) is None:
                now = self._clock.now()
                user = User.register(
                    user_id=UserId(self._ids.new_id()),
                    email=address,
                    display_name=name,
                    password_hash=password_hash,
                    at=now,
                    event_id=self._event_id(),
                    timezone=zone,
                    day_start_hour=hour,
                )
                try:
                    await uow.users.add(user)
                    await uow.commit()
                    created = True
                except AlreadyExists:  # lost a race with a registration of the same address
                    created = False
        product = self.settings.product_name
        if created:
            message = EmailMessage(
                to=address,
                subject=f"Welcome to {product}",
                text=f"Hello {name},\n\nyour {product} account is ready. Happy questing!\n",
            )
        else:
            message = EmailMessage(
                to=address,
                subject=f"Someone tried to register at {product} with your address",
                text=(
                    f"Someone (maybe you) tried to create a {product} account with this "
                    "address, but it already has one. If it was you, sign in, or reset your "
                    "password if you forgot it. If not, you can ignore this email.\n"
                ),
            )
        await self._email.send(message)
        return RegistrationReceipt(email=address)

    async def login(
        self,
        *,
        email: str,
        password: str,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> TokenPair:
        """Sign in without a device cookie: :meth:`sign_in`'s tokens (an account with
        two-step sign-in on cannot sign in this way: ``AuthenticationFailed``)."""
        signed = await self.sign_in(email=email, password=password, ip=ip, user_agent=user_agent)
        if isinstance(signed, SecondFactorRequired):
            raise AuthenticationFailed("this account needs its second sign-in step")
        return signed.tokens

    async def sign_in(
        self,
        *,
        email: str,
        password: str,
        ip: str | None = None,
        user_agent: str | None = None,
        device_cookie: str | None = None,
    ) -> SignedIn | SecondFactorRequired:
        """Sign in: a new session with an access and a refresh token, and a new device cookie.

        Only failures spend a budget: each attempt spends one hit before the password is
        checked (so concurrent guesses can never exceed a limit) and a success refunds it.
        With a valid ``device_cookie`` of this account the attempt spends the device's own
        budget only, so guesses from elsewhere never lock that device out; without one it
        spends the client IP's budget and the account's shared budget. Over a budget:
        ``RateLimited`` (before the password is looked at); every other failure is
        ``AuthenticationFailed``.

        An account with two-step sign-in on gets no session yet: the right password answers
        a :class:`SecondFactorRequired` challenge, which
        :meth:`~.second_factor.SecondFactorUseCases.complete_sign_in` trades, with a code,
        for what this method would otherwise return.
        """
        try:
            address = normalise_email(email)
        except ValidationFailed:
            address = email.strip().lower()[:320]  # counted like any other unknown address
        async with self._uow() as uow:
            user = await uow.users.by_email(address)
        spent = await self._spend(self._sign_in_budgets(user, address, ip, device_cookie))
        outcome = await self._check_password_and_start_session(user, password, ip, user_agent)
        await self._refund(spent)
        if isinstance(outcome, SecondFactorRequired):
            return outcome
        pair, user = outcome
        return SignedIn(
            tokens=pair,
            device_cookie=self._devices.issue(user.id, self._clock.now()),
            device_cookie_max_age=self.settings.device_cookie_max_age,
        )

    async def _check_password_and_start_session(
        self, user: User | None, password: str, ip: str | None, user_agent: str | None
    ) -> tuple[TokenPair, User] | SecondFactorRequired:
        candidate = normalise_password(password)
        if user is None or len(candidate) > self.policy.max_length:
            # Same work as a real check, so the answer's timing says nothing about the account.
            await self._hasher.verify(await self._dummy(), candidate)
            raise AuthenticationFailed()
        stored = user.password_hash
        if not await self._hasher.verify(stored, candidate) or user.disabled:
            raise AuthenticationFailed()
        upgraded = await self._hasher.hash(candidate) if self._hasher.needs_rehash(stored) else None
        async with self._uow() as uow:
            user = await uow.users.get(user.id)
            if user.disabled:
                raise AuthenticationFailed()
            if upgraded is not None and user.password_hash == stored:
                user.upgrade_hash(upgraded)
                await uow.users.save(user)
            factor = await uow.second_factors.get(user.id)
            if factor is not None and factor.enabled:
                # The password was right, but the session waits for the second step.
                challenge = await issue_challenge(uow, user.id, self._clock.now())
                await uow.commit()
                return challenge
            pair = await self._start_session(uow, user, ip=ip, user_agent=user_agent)
            await uow.commit()
        return pair, user
