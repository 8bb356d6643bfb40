"""The shared vendor client contract (tests/vendors/contract.py), run against the WedgeHR sandbox."""

from tests.vendors.contract import ClientContract


class TestContract(ClientContract):
    vendor = "wedgehr"
    kind = "video_interview"
