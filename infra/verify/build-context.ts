/**
 * The files of a build context, for dockerode's `buildImage({ context, src })`, which applies the context's
 * .dockerignore to the list it is given (as `docker build` does) but does not list the files itself.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

// Never part of an image here, and far too many files to list for nothing; .dockerignore excludes them too.
const NEVER = new Set(['node_modules', '.git']);

export async function contextFiles(context: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (NEVER.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.push(relative(context, path));
    }
  };
  await walk(context);
  return files;
}
