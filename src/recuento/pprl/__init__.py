"""Privacy-preserving record linkage: hardened Bloom-filter encodings and encoded matching."""
