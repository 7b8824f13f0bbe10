/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TODO: placeholder until written; exits 77 (skip) */
int main (void) { return 77; }
