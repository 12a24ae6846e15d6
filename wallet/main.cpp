// priora-wallet: keys, filings and the other registry transactions, queries, evidence bundles and
// their offline verification. docs/wallet.md describes every command and the exit codes.
#include <iostream>

#include "wallet/cli.h"

int main(int argc, char** argv) {
  return priora::wallet::run_wallet(argc, argv, std::cout, std::cerr);
}
