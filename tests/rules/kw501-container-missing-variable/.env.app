MODE=worker
