#!/bin/sh
# Regenerates the /dev + /sys fixture trees that tests/agent/disk_identity_test.cc reads.
# Each case is one small host: CASE/dev (device nodes stand in as empty files) and CASE/sys
# (attributes as files, the kernel's links as relative symlinks), laid out as Linux 6.x does.
# Run from anywhere; it only rewrites the case directories below this script.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

# attr FILE TEXT: an attribute file with the kernel's trailing newline.
attr() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" >"$1"; }
# node PATH: a stand-in for a device node.
node() { mkdir -p "$(dirname "$1")"; : >"$1"; }
# link LINK TARGET: a relative symlink, both given relative to the case directory.
link() { mkdir -p "$(dirname "$1")" "$(dirname "$2")"; ln -sfn "$(realpath -m --relative-to="$(dirname "$1")" "$2")" "$1"; }
# vpd80 DIR SERIAL: SCSI VPD page 0x80 (header 00 80 00 LEN, then the serial, unterminated).
vpd80() { mkdir -p "$1"; printf '\000\200\000'"$(printf '\\%03o' ${#2})"'%s' "$2" >"$1/vpd_pg80"; }
# disk SYSDIR NAME SECTORS ROTATIONAL: a whole disk whose `device` is SYSDIR.
disk() {
  attr "$1/block/$2/size" "$3"
  attr "$1/block/$2/queue/rotational" "$4"
  link "$1/block/$2/device" "$1"
  link "sys/class/block/$2" "$1/block/$2"
  node "dev/$2"
}
# part DISKDIR NAME NUMBER SECTORS: a partition below a disk's block directory.
part() {
  attr "$1/$2/partition" "$3"
  attr "$1/$2/size" "$4"
  link "sys/class/block/$2" "$1/$2"
  node "dev/$2"
}
fresh() { rm -rf "${here:?}/$1"; mkdir -p "$here/$1"; cd "$here/$1"; }

# SATA HDD on AHCI, used through by-id, wwn-, /dev/sda1 and bare names.
fresh sata_hdd
d=sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0
attr $d/vendor "ATA     "; attr $d/model "WDC WD40EFRX-68N"; attr $d/wwid "naa.50014ee2b5a1c3d4"
vpd80 $d "     WD-WCC7K1234567"
disk $d sda 7814037168 1
part $d/block/sda sda1 1 7814015543
link sys/dev/block/8:0 $d/block/sda
link sys/dev/block/8:1 $d/block/sda/sda1
link dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567 dev/sda
link dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567-part1 dev/sda1
link dev/disk/by-id/wwn-0x50014ee2b5a1c3d4-part1 dev/sda1

# SAS HBA with an expander and an SES enclosure: a SAS disk in "Slot 05" (found through
# its enclosure_device: link) and a SATA disk (vendor ATA) in "Slot 04" (found by scanning
# /sys/class/enclosure); "Slot 06" is empty.
fresh sas_enclosure
h=sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host0/port-0:0/expander-0:0
b=$h/port-0:0:4/end_device-0:0:4/target0:0:4/0:0:4:0
attr $b/vendor "SEAGATE "; attr $b/model "ST4000NM0025    "; attr $b/wwid "naa.5000c500a1b2c3d4"
vpd80 $b "ZC1ABCDE"
disk $b sdb 7814037168 1
c=$h/port-0:0:5/end_device-0:0:5/target0:0:5/0:0:5:0
attr $c/vendor "ATA     "; attr $c/model "ST4000VN008-2DR1"; attr $c/wwid "naa.5000c500b1c2d3e4"
vpd80 $c "            ZGY12345"
disk $c sdc 7814037168 1
e=$h/port-0:0:12/end_device-0:0:12/target0:0:12/0:0:12:0/enclosure/0:0:12:0
attr $e/id "0x500304801e1a2b3f"; attr $e/components 24
attr "$e/Slot 04/slot" 4; link "$e/Slot 04/device" $c
attr "$e/Slot 05/slot" 5; link "$e/Slot 05/device" $b
link "$b/enclosure_device:Slot 05" "$e/Slot 05"  # ses makes it; sdc's is left out on purpose
attr "$e/Slot 06/slot" 6
link sys/class/enclosure/0:0:12:0 $e
link dev/disk/by-id/wwn-0x5000c500a1b2c3d4 dev/sdb
link dev/disk/by-id/scsi-35000c500a1b2c3d4 dev/sdb
link dev/disk/by-id/ata-ST4000VN008-2DR166_ZGY12345 dev/sdc

# NVMe namespace with a partition; model and serial live on the controller (nvme0).
fresh nvme
n=sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0
attr $n/model "Samsung SSD 970 EVO Plus 1TB            "; attr $n/serial "S4EWNX0R123456      "
attr $n/firmware_rev "2B2QEXM7"
attr $n/nvme0n1/size 1953525168; attr $n/nvme0n1/queue/rotational 0
attr $n/nvme0n1/wwid "eui.0025385b91b2c6a1"
link $n/nvme0n1/device $n
link sys/class/block/nvme0n1 $n/nvme0n1
node dev/nvme0n1
part $n/nvme0n1 nvme0n1p1 1 1953521664
link dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456-part1 dev/nvme0n1p1

# USB disk behind a bridge without VPD 0x80: the serial comes from the USB device.
fresh usb
u=sys/devices/pci0000:00/0000:00:14.0/usb2/2-1
attr $u/idVendor 1058; attr $u/idProduct 25a2; attr $u/serial 575834314441
attr $u/product "Elements 25A2"
d=$u/2-1:1.0/host6/target6:0:0/6:0:0:0
attr $d/vendor "WD      "; attr $d/model "Elements 25A2   "
disk $d sdd 3906963456 1
link dev/disk/by-id/usb-WD_Elements_25A2_575834314441-0:0 dev/sdd

# virtio-blk: serial on the block device, the PCI vendor id on the virtio device.
fresh virtio
v=sys/devices/pci0000:00/0000:00:02.0/virtio1
attr $v/vendor 0x1af4; attr $v/device 0x0002
disk $v vda 536870912 1
attr $v/block/vda/serial zfleet-vd0
link dev/disk/by-id/virtio-zfleet-vd0 dev/vda

# vdev_id.conf aliases (/dev/disk/by-vdev) on a RAID HBA in JBOD mode: plain SCSI.
fresh by_vdev
d=sys/devices/pci0000:00/0000:00:03.0/0000:02:00.0/host2/target2:0:5/2:0:5:0
attr $d/vendor "HGST    "; attr $d/model "HUH721212AL5200 "; attr $d/wwid "naa.5000cca2a1b2c3d4"
vpd80 $d "8DGABCDE"
disk $d sde 23437770752 1
part $d/block/sde sde1 1 23437750272
link dev/disk/by-vdev/A05 dev/sde
link dev/disk/by-vdev/A05-part1 dev/sde1

# Fibre Channel LUN named by its by-path link.
fresh fc
d=sys/devices/pci0000:00/0000:00:03.0/0000:05:00.0/host3/rport-3:0-0/target3:0:0/3:0:0:0
attr $d/vendor "IBM     "; attr $d/model "2145            "
attr $d/wwid "naa.600507680c8082018000000000000a1b"
vpd80 $d "0200a0204da0XX00"
disk $d sdf 4294967296 0
link dev/disk/by-path/pci-0000:05:00.0-fc-0x500507680b21d5e1-lun-0 dev/sdf

# Loop device (its backing file is not a disk fact).
fresh loop
l=sys/devices/virtual/block/loop0
attr $l/size 524288; attr $l/queue/rotational 1; attr $l/loop/backing_file /var/tmp/disk0.img
link sys/class/block/loop0 $l
node dev/loop0

# Device-mapper multipath: resolves, but sysfs names no transport.
fresh mapper
m=sys/devices/virtual/block/dm-0
attr $m/size 8589934592; attr $m/queue/rotational 0; attr $m/dm/name mpatha
link sys/class/block/dm-0 $m
node dev/dm-0
link dev/mapper/mpatha dev/dm-0

# Paths that must fail cleanly.
fresh broken
node dev/nosys
mkdir -p dev/disk/by-id
ln -sfn ../../sdz dev/disk/by-id/dangling
ln -sfn loop-b dev/disk/by-id/loop-a
ln -sfn loop-a dev/disk/by-id/loop-b
ln -sfn ../../../../../../../etc/passwd dev/disk/by-id/escape
ln -sfn /dev/nosys dev/disk/by-id/absolute-nosys
