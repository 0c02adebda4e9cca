/**
 * Which repository files are worth indexing: text that people write, not
 * dependencies, build output, lock files, minified bundles or binaries.
 */
const SKIP_DIRECTORY =
  /(^|\/)(node_modules|\.git|dist|build|vendor|third_party|__pycache__|\.tox|\.venv|venv|coverage)\//;
const SKIP_FILE =
  /(\.min\.(js|css)|\.map|\.lock|-lock\.json|\.(png|jpe?g|gif|ico|svg|webp|bmp|pdf|zip|gz|tgz|bz2|xz|7z|jar|whl|egg|so|dylib|dll|exe|o|a|pyc|woff2?|ttf|otf|eot|mp[34]|mov|avi|wasm|bin|dat|db|sqlite|pickle|pkl|npy|npz|parquet))$/i;

export function isIndexablePath(path: string): boolean {
  return (
    !SKIP_DIRECTORY.test(path) &&
    !SKIP_FILE.test(path) &&
    !/(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock)$/.test(path)
  );
}
