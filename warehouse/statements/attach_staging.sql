-- Open (or create) the staging file, written in the given storage format.
ATTACH $path AS staging (STORAGE_VERSION $storage_version);
