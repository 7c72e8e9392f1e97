// A main for model_fuzz.cc without libFuzzer, so that the fuzz target is compiled and run in
// every CI build (with Bazel's gcc, under every config): with file arguments it runs each file
// as one input (to replay what scripts/fuzz_model.sh found); without, a fixed corpus of
// pseudo-random inputs. The corpus: 300 inputs of up to 2 KiB, the first byte cycling through
// all eight configurations, the opcode bytes biased toward allocation and pointer stores with
// a Collect every few dozen operations, so that every input checks the model several times.
// PINION_MODEL_SEED=N changes the corpus (default 1); PINION_MODEL_SCALE=N makes it N times
// longer. A failing input aborts with what was wrong (model_fuzz.cc) after this prints the
// input's index and seed and writes it to a file, so that it can be replayed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tests/model/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// The opcodes of model_fuzz.cc, weighted: mostly allocations and stores, a Collect now and
// then. Bytes that follow an opcode are its operands; since every byte is also read as an
// operand or an opcode, any byte string is a valid input.
std::vector<uint8_t> RandomInput(std::mt19937_64& rng, int config) {
  constexpr int kOpcodes = pinion::model::kFuzzOpcodes;
  static const int kWeights[kOpcodes] = {
      // node blob link unlink pin unpin pin-only handle scope global +root -root grow native
      // reattach safepoint collect pin-churn
      20, 8, 14, 4, 6, 5, 2, 6, 4, 5, 2, 2, 4, 2, 1, 2, 3, 1};
  int total = 0;
  for (int w : kWeights) total += w;
  std::vector<uint8_t> bytes = {static_cast<uint8_t>(config)};
  const size_t length = 64 + rng() % 2000;
  while (bytes.size() < length) {
    int r = static_cast<int>(rng() % total), op = 0;
    while (r >= kWeights[op]) r -= kWeights[op++];
    bytes.push_back(static_cast<uint8_t>(op + kOpcodes * (rng() % 8)));
    for (int k = static_cast<int>(rng() % 5); k > 0; --k) {
      bytes.push_back(static_cast<uint8_t>(rng()));
    }
  }
  return bytes;
}

// The input being run now, for SaveFailingInput.
uint64_t g_seed = 0;
int g_index = -1;
std::vector<uint8_t> g_input;

// Called by model_fuzz.cc before it aborts: names the input and writes it to a file (under
// the test's undeclared-outputs directory when Bazel runs it) for replay.
void SaveFailingInput() {
  if (g_index < 0) return;
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  const std::string path = (dir != nullptr ? std::string(dir)
                                           : std::filesystem::current_path().string()) +
                           "/model_fuzz_input_" +
                           std::to_string(g_seed) + "_" + std::to_string(g_index);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(g_input.data()),
             static_cast<std::streamsize>(g_input.size()));
  std::fprintf(stderr,
               "model_fuzz_driver: input %d of PINION_MODEL_SEED=%llu failed (%zu bytes, "
               "configuration %d); written to %s\n  replay: bazel run "
               "//tests/model:model_fuzz_driver_test -- %s\n",
               g_index, static_cast<unsigned long long>(g_seed), g_input.size(),
               g_input.empty() ? 0 : g_input[0] % 8, path.c_str(), path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) {
      std::ifstream file(argv[i], std::ios::binary);
      if (!file) {
        std::fprintf(stderr, "model_fuzz_driver: cannot read %s\n", argv[i]);
        return 2;
      }
      const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
      std::fprintf(stderr, "model_fuzz_driver: %s (%zu bytes)\n", argv[i], bytes.size());
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    return 0;
  }
  const uint64_t seed = pinion::model::SeedFromEnvironment(1);
  g_seed = seed;
  pinion::model::g_fuzz_failure_hook = &SaveFailingInput;
  const int inputs = 300 * pinion::model::ScaleFromEnvironment();
  std::mt19937_64 rng(seed);
  size_t total_bytes = 0;
  for (g_index = 0; g_index < inputs; ++g_index) {
    g_input = RandomInput(rng, g_index % 8);
    LLVMFuzzerTestOneInput(g_input.data(), g_input.size());
    total_bytes += g_input.size();
  }
  std::printf("model_fuzz_driver: %d inputs (%zu bytes, seed %llu) passed\n", inputs,
              total_bytes, static_cast<unsigned long long>(seed));
  return 0;
}
