"""The shared vendor client contract (tests/vendors/contract.py), run against the intervue.io sandbox."""

from tests.vendors.contract import ClientContract


class TestContract(ClientContract):
    vendor = "intervue"
    kind = "home_assignment"
