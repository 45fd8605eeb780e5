"""Why a landed file could not be ingested; the message is the quarantine reason in the ledger."""


class Unreadable(Exception):
    """The file cannot be turned into text."""


class LimitExceeded(Unreadable):
    """The file is over a configured size limit; the message names the limit to raise."""
