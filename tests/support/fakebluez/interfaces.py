"""The ``org.bluez`` D-Bus interfaces bleak uses, as dbus-fast ``ServiceInterface``s.

D-Bus signatures are given as string annotations (the dbus-fast 2.x and 5.x way), so
this module must not use ``from __future__ import annotations``. The interfaces hold
properties and forward method calls to their owner (:mod:`support.fakebluez.bluez`),
which decides behaviour and faults.
"""

# ruff: noqa: F821, F722, N802

from typing import TYPE_CHECKING

from dbus_fast import DBusError, Variant
from dbus_fast.constants import PropertyAccess
from dbus_fast.service import ServiceInterface, dbus_property, method

if TYPE_CHECKING:
    from support.fakebluez.bluez import FakeBluez, _StrapState

READ = PropertyAccess.READ


class Adapter(ServiceInterface):
    """``org.bluez.Adapter1`` at ``/org/bluez/hci0``."""

    def __init__(self, owner: "FakeBluez", address: str) -> None:
        super().__init__("org.bluez.Adapter1")
        self.owner = owner
        self.address = address
        self.powered = True
        self.discovering = False

    @dbus_property(access=READ)
    def Address(self) -> "s":
        return self.address

    @dbus_property(access=READ)
    def AddressType(self) -> "s":
        return "public"

    @dbus_property(access=READ)
    def Name(self) -> "s":
        return "fakebluez"

    @dbus_property(access=READ)
    def Alias(self) -> "s":
        return "fakebluez"

    @dbus_property(access=READ)
    def Powered(self) -> "b":
        return self.powered

    @dbus_property(access=READ)
    def Discovering(self) -> "b":
        return self.discovering

    @dbus_property(access=READ)
    def Roles(self) -> "as":
        return ["central", "peripheral"]

    @dbus_property(access=READ)
    def UUIDs(self) -> "as":
        return []

    @method()
    def SetDiscoveryFilter(self, properties: "a{sv}"):
        self.owner.check_powered()
        self.owner.discovery_filter = dict(properties)

    @method()
    def StartDiscovery(self):
        self.owner.start_discovery()

    @method()
    def StopDiscovery(self):
        self.owner.stop_discovery()

    @method()
    def RemoveDevice(self, device: "o"):
        self.owner.remove_device(device)


class Device(ServiceInterface):
    """``org.bluez.Device1`` of one virtual strap."""

    def __init__(self, owner: "FakeBluez", strap: "_StrapState") -> None:
        super().__init__("org.bluez.Device1")
        self.owner = owner
        self.strap = strap
        self.connected = False
        self.services_resolved = False
        self.rssi = strap.config.rssi_dbm

    @dbus_property(access=READ)
    def Address(self) -> "s":
        return self.strap.config.address

    @dbus_property(access=READ)
    def AddressType(self) -> "s":
        return "public"

    @dbus_property(access=READ)
    def Name(self) -> "s":
        return self.strap.config.name

    @dbus_property(access=READ)
    def Alias(self) -> "s":
        return self.strap.config.name

    @dbus_property(access=READ)
    def Adapter(self) -> "o":
        return self.owner.adapter_path

    @dbus_property(access=READ)
    def Connected(self) -> "b":
        return self.connected

    @dbus_property(access=READ)
    def ServicesResolved(self) -> "b":
        return self.services_resolved

    @dbus_property(access=READ)
    def Paired(self) -> "b":
        return False

    @dbus_property(access=READ)
    def Bonded(self) -> "b":
        return False

    @dbus_property(access=READ)
    def Trusted(self) -> "b":
        return False

    @dbus_property(access=READ)
    def Blocked(self) -> "b":
        return False

    @dbus_property(access=READ)
    def LegacyPairing(self) -> "b":
        return False

    @dbus_property(access=READ)
    def UUIDs(self) -> "as":
        return list(self.strap.config.advertised_uuids)

    @dbus_property(access=READ)
    def RSSI(self) -> "n":
        return self.rssi

    @dbus_property(access=READ)
    def ManufacturerData(self) -> "a{qv}":
        return {
            key: Variant("ay", value) for key, value in self.strap.config.manufacturer_data.items()
        }

    @dbus_property(access=READ)
    def ServiceData(self) -> "a{sv}":
        return {}

    @method()
    async def Connect(self):
        await self.owner.connect(self.strap)

    @method()
    def Disconnect(self):
        self.owner.disconnect(self.strap)

    @method()
    def Pair(self):
        raise DBusError("org.bluez.Error.NotSupported", "pairing is not needed for a HR strap")


class Battery(ServiceInterface):
    """``org.bluez.Battery1``: BlueZ's battery plugin claims 0x180F and shows it here."""

    def __init__(self, strap: "_StrapState") -> None:
        super().__init__("org.bluez.Battery1")
        self.strap = strap

    @dbus_property(access=READ)
    def Percentage(self) -> "y":
        return self.strap.config.battery_pct

    @dbus_property(access=READ)
    def Source(self) -> "s":
        return "GATT Battery Service"


class GattService(ServiceInterface):
    """``org.bluez.GattService1``."""

    def __init__(self, uuid: str, device_path: str) -> None:
        super().__init__("org.bluez.GattService1")
        self.uuid = uuid
        self.device_path = device_path

    @dbus_property(access=READ)
    def UUID(self) -> "s":
        return self.uuid

    @dbus_property(access=READ)
    def Device(self) -> "o":
        return self.device_path

    @dbus_property(access=READ)
    def Primary(self) -> "b":
        return True

    @dbus_property(access=READ)
    def Includes(self) -> "ao":
        return []


class GattCharacteristic(ServiceInterface):
    """``org.bluez.GattCharacteristic1``; notifications are PropertiesChanged on Value."""

    def __init__(
        self,
        owner: "FakeBluez",
        strap: "_StrapState",
        uuid: str,
        service_path: str,
        flags: list[str],
        *,
        value: bytes = b"",
    ) -> None:
        super().__init__("org.bluez.GattCharacteristic1")
        self.owner = owner
        self.strap = strap
        self.uuid = uuid
        self.service_path = service_path
        self.flags = flags
        self.value = value
        self.notifying = False

    @dbus_property(access=READ)
    def UUID(self) -> "s":
        return self.uuid

    @dbus_property(access=READ)
    def Service(self) -> "o":
        return self.service_path

    @dbus_property(access=READ)
    def Flags(self) -> "as":
        return self.flags

    @dbus_property(access=READ)
    def Value(self) -> "ay":
        return self.value

    @dbus_property(access=READ)
    def Notifying(self) -> "b":
        return self.notifying

    @dbus_property(access=READ)
    def MTU(self) -> "q":
        return 23

    @method()
    def ReadValue(self, options: "a{sv}") -> "ay":
        del options
        self.owner.check_link(self.strap)
        if "read" not in self.flags:
            raise DBusError("org.bluez.Error.NotPermitted", "Read not permitted")
        self.strap.reads[self.uuid] = self.strap.reads.get(self.uuid, 0) + 1
        return self.value

    @method()
    def WriteValue(self, value: "ay", options: "a{sv}"):
        del options
        self.owner.check_link(self.strap)
        if "write" not in self.flags:
            raise DBusError("org.bluez.Error.NotPermitted", "Write not permitted")
        self.value = bytes(value)

    @method()
    def StartNotify(self):
        self.owner.check_link(self.strap)
        if "notify" not in self.flags:
            raise DBusError("org.bluez.Error.NotSupported", "Notify not supported")
        if self.notifying:
            raise DBusError("org.bluez.Error.InProgress", "Notify already started")
        self.notifying = True
        self.emit_properties_changed({"Notifying": True})
        self.owner.start_notifications(self.strap)

    @method()
    def StopNotify(self):
        self.owner.check_link(self.strap)
        self.notifying = False
        self.emit_properties_changed({"Notifying": False})
        self.owner.stop_notifications(self.strap)

    def notify(self, payload: bytes) -> None:
        self.value = payload
        self.emit_properties_changed({"Value": payload})
