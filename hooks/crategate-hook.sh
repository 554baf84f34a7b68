#!/bin/sh
# crategate @HOOK@ hook, installed by `crategate install`.
# Re-run `crategate install` to change it (`--force` replaces it).
exec @CRATEGATE@ hook @HOOK@
