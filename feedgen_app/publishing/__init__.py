"""Publishing: the output folder replaced atomically (staging, swap, manifest)."""
