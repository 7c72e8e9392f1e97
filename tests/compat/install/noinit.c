/* A shared object with no PyInit_noinit (install_test.sh: ImportError as CPython's). */
int pinion_install_test_not_a_module(void) { return 0; }
