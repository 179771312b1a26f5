// The public C2SP tlog-tiles surface of the log, outside /api/v1 and without
// authentication (anyone may audit the log):
//   GET /ledger/checkpoint                 signed checkpoint (text/plain)
//   GET /ledger/vkey                       the log's verifier key
//   GET /ledger/tile/<L>/<N>[.p/<W>]       hash tiles
//   GET /ledger/tile/entries/<N>[.p/<W>]   entry bundles
//   GET /ledger/proof/<index>              C2SP tlog-proof of one entry against
//                                          the published (cosigned) checkpoint
// The router matches whole segments, so the tile index (up to five
// segments: four 3-digit groups and ".p/W", i.e. tile indices below 10^12)
// is registered as one pattern per depth and parsed by ParseTilePath.
// With `ledger` null (no data directory) every route answers 503.
#pragma once

#include "ledger/ledger.h"
#include "net/router.h"

namespace sl::ledger {

void RegisterLedgerRoutes(net::Router& router, Ledger* ledger);

}  // namespace sl::ledger
