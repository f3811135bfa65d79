// Bundles src/main.ts (and its CSS) into dist/assets/ and copies index.html: what mesh.web serves.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(web, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "assets"), { recursive: true });
await build({
  entryPoints: [join(web, "src", "main.ts")],
  bundle: true,
  minify: true,
  sourcemap: false,
  target: "es2022",
  format: "esm",
  loader: { ".graphql": "text" },
  outdir: join(dist, "assets"),
  logLevel: "warning",
});
copyFileSync(join(web, "src", "index.html"), join(dist, "index.html"));
