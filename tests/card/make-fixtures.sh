#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the PEM fixtures of the card tests. They are committed, so the
# build and the tests never run this (and never need the network); it only
# documents how they were made.  Needs certtool (Debian: gnutls-bin) and,
# for the SM2 fixtures, openssl.  `make-fixtures.sh sm2` remakes only those.
set -eu
only=${1:-all}
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

if [ "$only" != sm2 ]; then
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
fi

# ---- SM2 / SM3 (GM/T 0003, 0004) -----------------------------------------
# certtool cannot make SM2 keys: these are made with OpenSSL 3 (Debian:
# openssl), signed SM2-with-SM3 with the default user ID 1234567812345678
# (docs/card-protocol.md, "SM2 cards").  `openssl ca` fixes the dates.
sm2_key () { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out "$1"; }

sm2_sign () {  # sm2_sign CSR CERT CA_CERT CA_KEY EXTENSIONS START END [selfsign]
  mkdir -p "$tmp/ca"; : > "$tmp/ca/index"; date +%s%N | cut -c1-16 > "$tmp/ca/serial"
  cat > "$tmp/ca.cnf" <<T
[ca]
default_ca = kouan
[kouan]
database = $tmp/ca/index
serial = $tmp/ca/serial
new_certs_dir = $tmp/ca
default_md = sm3
policy = any
unique_subject = no
email_in_dn = no
[any]
organizationName = optional
commonName = supplied
userId = optional
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[holder_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
T
  if [ "${8:-}" = selfsign ]; then set -- "$@" -selfsign; fi
  openssl ca -batch -config "$tmp/ca.cnf" -in "$1" -out "$2.tmp" -notext -utf8 \
    ${3:+-cert "$3"} -keyfile "$4" -extensions "$5" -startdate "$6" -enddate "$7" \
    -sigopt distid:1234567812345678 -vfyopt distid:1234567812345678 ${9:-}
  openssl x509 -in "$2.tmp" -out "$2"; rm -f "$2.tmp"
}

sm2_ca () {  # sm2_ca KEY CERT CN
  sm2_key "$1"
  openssl req -new -key "$1" -utf8 -subj "/O=Kouan Test/CN=$3" \
    -sigopt distid:1234567812345678 -out "$tmp/ca.csr"
  sm2_sign "$tmp/ca.csr" "$2" "" "$1" ca_ext 20240101000000Z 20460101000000Z selfsign
}

sm2_holder () {  # sm2_holder KEY CERT CA_CERT CA_KEY CN UID START END
  sm2_key "$1"
  openssl req -new -key "$1" -utf8 -subj "/O=Kouan Test/CN=$5/UID=$6" \
    -sigopt distid:1234567812345678 -out "$tmp/holder.csr"
  sm2_sign "$tmp/holder.csr" "$2" "$3" "$4" holder_ext "$7" "$8"
}

# An SM2 card CA, a card from it bound to no account, and one long expired.
sm2_ca     sm2-ca-key.pem      sm2-ca.pem      "Kouan Test SM2 Card CA"
sm2_holder sm2-holder-key.pem  sm2-holder.pem  sm2-ca.pem sm2-ca-key.pem "国密持卡人" nobody \
           20240101000000Z 20450101000000Z
sm2_holder sm2-expired-key.pem sm2-expired.pem sm2-ca.pem sm2-ca-key.pem "过期国密持卡人" nobody \
           20160101000000Z 20160102000000Z
# A second SM2 CA and a card it issued: refused by a server trusting sm2-ca.
sm2_ca     sm2-other-ca-key.pem sm2-other-ca.pem "Other SM2 Card CA"
sm2_holder sm2-other-key.pem   sm2-other.pem   sm2-other-ca.pem sm2-other-ca-key.pem "其他国密持卡人" nobody \
           20240101000000Z 20450101000000Z
# What the card tests' servers trust: both card CAs.
cat card-ca.pem sm2-ca.pem > card-cas.pem

# An RSA card from the card CA: a key the card protocol does not allow, so
# the client sends no PIN to it (test-card /card/sign/unsupported-key).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-key.pem
openssl req -new -key rsa-key.pem -utf8 -subj "/O=Kouan Test/CN=RSA持卡人/UID=nobody" \
  -out "$tmp/rsa.csr"
openssl x509 -req -in "$tmp/rsa.csr" -CA card-ca.pem -CAkey card-ca-key.pem -sha256 \
  -days 7300 -set_serial "0x$(date +%s%N)" -out rsa.pem
