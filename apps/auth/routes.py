"""The auth service's route handlers, mounted by its app and by the all-in-one gateway."""

from apps.auth.account_deletion import AccountDeletionController
from apps.auth.controllers import (
    AccountController,
    AdminController,
    JwksController,
    ProfileController,
)
from apps.auth.controllers_oauth import ExternalSignInController, LinkedIdentitiesController
from apps.auth.second_factor import SecondStepController, TotpController

ROUTES = [
    AccountController,
    ProfileController,
    AccountDeletionController,
    ExternalSignInController,
    LinkedIdentitiesController,
    SecondStepController,
    TotpController,
    AdminController,
    JwksController,
]
