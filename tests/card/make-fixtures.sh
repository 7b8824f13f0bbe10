#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the PEM fixtures of the card tests. They are committed, so the
# build and the tests never run this (and never need the network); it only
# documents how they were made.  Needs certtool (Debian: gnutls-bin).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

key () { certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --no-text --outfile "$1"; }

ca () {  # ca KEY CERT CN
  key "$1"
  cat > "$tmp/ca.tmpl" <<T
organization = "Kouan Test"
cn = "$3"
serial = $(date +%s)
activation_date = "2024-01-01 00:00:00"
expiration_date = "2046-01-01 00:00:00"
ca
cert_signing_key
crl_signing_key
T
  certtool --generate-self-signed --load-privkey "$1" --template "$tmp/ca.tmpl" \
           --no-text --outfile "$2"
}

holder () {  # holder KEY CERT CA_CERT CA_KEY CN UID EXPIRY_YEAR (-1: long expired)
  key "$1"
  cat > "$tmp/holder.tmpl" <<T
organization = "Kouan Test"
cn = "$5"
uid = "$6"
serial = $(date +%s%N)
T
  if [ "$7" -lt 0 ]; then
    # An expired certificate: valid for one day, ten years ago.
    printf 'activation_date = "2016-01-01 00:00:00"\nexpiration_date = "2016-01-02 00:00:00"\n' \
      >> "$tmp/holder.tmpl"
  else
    # Dated from 2024 so a machine whose clock lags still accepts it.
    printf 'activation_date = "2024-01-01 00:00:00"\nexpiration_date = "%s-01-01 00:00:00"\n' \
      "$7" >> "$tmp/holder.tmpl"
  fi
  printf 'tls_www_client\nsigning_key\n' >> "$tmp/holder.tmpl"
  certtool --generate-certificate --load-privkey "$1" \
           --load-ca-certificate "$3" --load-ca-privkey "$4" \
           --template "$tmp/holder.tmpl" --no-text --outfile "$2"
}

# The card CA the server trusts (kouan-server --card-ca) and the demo card.
ca     card-ca-key.pem  card-ca.pem  "Kouan Test Card CA"
holder holder-key.pem   holder.pem   card-ca.pem card-ca-key.pem "测试持卡人" demo-admin 2045
# Same CA, but long expired.
holder expired-key.pem  expired.pem  card-ca.pem card-ca-key.pem "过期持卡人" demo-admin -1
# A second, unrelated CA and a card it issued: the server must refuse it.
ca     other-ca-key.pem other-ca.pem "Other Card CA"
holder other-key.pem    other.pem    other-ca.pem other-ca-key.pem "其他持卡人" demo-admin 2045
# Issued by the card CA but bound to no account on the server.
holder unbound-key.pem  unbound.pem  card-ca.pem card-ca-key.pem "无主持卡人" nobody 2045
