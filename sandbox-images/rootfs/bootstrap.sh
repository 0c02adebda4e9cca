#!/bin/sh
# Builds a Debian bookworm root filesystem with no image registry, for
# `docker import`. drydock runs this when debian:bookworm-slim cannot be had.
#   bootstrap.sh DIR [MIRROR]
# MIRROR defaults to debootstrap's own default mirror.
set -eu
dir=$1
mirror=${2:-}
debootstrap --variant=minbase bookworm "$dir" $mirror
# Nothing from the build host's package caches belongs in the image.
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/tmp/* "$dir"/var/log/*.log
# The image's own resolver config is written by Docker at run time.
: > "$dir/etc/resolv.conf"
: > "$dir/etc/hostname"
