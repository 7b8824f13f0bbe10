/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-server.h"

int
main (int    argc,
      char **argv)
{
  return kouan_server_app_run (argc, argv);
}
