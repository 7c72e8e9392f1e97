/* Compiled as C: pins and unpins through pinning/pin_c.h, called from pin_c_test.cc. */
#include "pinning/pin_c.h"

void c_pin(const void* object) { pinion_pin(object); }
void c_unpin(const void* object) { pinion_unpin(object); }

/* Pins objects[0..n) in order, then unpins them in `order` (0: newest first, 1: oldest). */
void c_pin_all(const void* const* objects, int n) {
  for (int i = 0; i < n; ++i) pinion_pin(objects[i]);
}
void c_unpin_all(const void* const* objects, int n, int oldest_first) {
  for (int i = 0; i < n; ++i) pinion_unpin(objects[oldest_first ? i : n - 1 - i]);
}
