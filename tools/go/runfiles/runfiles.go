// Package runfiles finds the files a Bazel binary or test declared as data:
// the part of rules_go's package of this import path that libunet uses,
// Rlocation, with its name and meaning, so that Go code built by
// //tools/go:def.bzl builds unchanged with rules_go.
//
// Rlocation("libunet/interop/demo/demo_c") names a file of libunet's
// repository by the repository's apparent name, whatever Bazel calls its
// directory: `libunet` in a WORKSPACE, `_main` when libunet is the Bzlmod
// root module, `libunet~` or `libunet+` when it is another module's
// dependency. That directory is written into the binary at link time
// (tools/go/go_compile.sh sets `repo`); the file is then looked up the way
// Bazel lays runfiles out: in the manifest named by RUNFILES_MANIFEST_FILE,
// else under RUNFILES_DIR or TEST_SRCDIR, else in the tree or manifest next
// to the executable. A path in another repository is looked up as it is.
package runfiles

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// repo is the runfiles directory of the repository the binary was built in;
// set with `-ldflags -X`.
var repo string

// ownName is the apparent name of the repository the binary was built in.
const ownName = "libunet"

// Rlocation returns the path of a runfile named "repository/path"; an
// absolute path is returned as it is.
func Rlocation(path string) (string, error) {
	if filepath.IsAbs(path) {
		return path, nil
	}
	key := path
	if strings.HasPrefix(path, ownName+"/") {
		if repo == "" {
			return "", fmt.Errorf("runfiles: %s: the binary was not built by //tools/go (no repository name)", path)
		}
		key = repo + "/" + strings.TrimPrefix(path, ownName+"/")
	}
	if manifest := os.Getenv("RUNFILES_MANIFEST_FILE"); manifest != "" {
		return fromManifest(manifest, key)
	}
	var dirs []string
	for _, env := range []string{"RUNFILES_DIR", "TEST_SRCDIR"} {
		if dir := os.Getenv(env); dir != "" {
			dirs = append(dirs, dir)
		}
	}
	exe, err := os.Executable()
	if err == nil {
		dirs = append(dirs, exe+".runfiles")
	}
	for _, dir := range dirs {
		path := filepath.Join(dir, key)
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
	}
	if err == nil {
		if path, err := fromManifest(exe+".runfiles_manifest", key); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("runfiles: %s is in neither RUNFILES_MANIFEST_FILE, RUNFILES_DIR, TEST_SRCDIR nor next to the executable: run it with `bazel run` or `bazel test`", key)
}

// fromManifest looks key up in a runfiles manifest ("key path" per line).
func fromManifest(manifest, key string) (string, error) {
	f, err := os.Open(manifest)
	if err != nil {
		return "", fmt.Errorf("runfiles: %w", err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if line := lines.Text(); strings.HasPrefix(line, key+" ") {
			return line[len(key)+1:], nil
		}
	}
	if err := lines.Err(); err != nil {
		return "", fmt.Errorf("runfiles: %s: %w", manifest, err)
	}
	return "", fmt.Errorf("runfiles: %s is not in %s", key, manifest)
}
