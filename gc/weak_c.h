/* Weak roots from C: pinion::WeakRoot (gc/weak_root.h) for code compiled as C.
 *
 *   pinion_weak* w = pinion_weak_new(obj, NULL, NULL);  // keeps nothing alive
 *   void* o = pinion_weak_get(w);                       // NULL once obj was found unreachable
 *   pinion_weak_free(w);
 *
 * Contract as WeakRoot's: pinion_weak_new from a thread attached to a heap (the root belongs
 * to that heap; NULL and kThreadNotAttached otherwise), `object` NULL or a live object of it
 * (kNotAHeapObject otherwise: the root starts empty); `on_cleared(data)` runs on a mutator
 * after the collection that cleared the root, with the queued finalizers. pinion_weak_get
 * from a thread attached to that heap; set and free from any thread.
 */
#ifndef PINION_GC_WEAK_C_H_
#define PINION_GC_WEAK_C_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pinion_weak pinion_weak;

pinion_weak* pinion_weak_new(const void* object, void (*on_cleared)(void* data), void* data);
void* pinion_weak_get(const pinion_weak* weak);
void pinion_weak_set(pinion_weak* weak, const void* object);
void pinion_weak_free(pinion_weak* weak);

#ifdef __cplusplus
}
#endif

#endif /* PINION_GC_WEAK_C_H_ */
