"""The shared vendor client contract (tests/vendors/contract.py), run against the Hireflix sandbox."""

from tests.vendors.contract import ClientContract


class TestContract(ClientContract):
    vendor = "hireflix"
    kind = "position"
