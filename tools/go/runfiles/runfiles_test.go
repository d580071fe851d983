package runfiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The names Bazel gives libunet's repository: a WORKSPACE's, the Bzlmod
// root module's, and a Bzlmod dependency's in Bazel 7 and 8.
var repoNames = []string{"libunet", "_main", "libunet~", "libunet+"}

func withRepo(t *testing.T, name string) {
	t.Helper()
	saved := repo
	repo = name
	t.Cleanup(func() { repo = saved })
}

func clearEnv(t *testing.T) {
	t.Helper()
	for _, env := range []string{"RUNFILES_MANIFEST_FILE", "RUNFILES_DIR", "TEST_SRCDIR"} {
		t.Setenv(env, "")
	}
}

func TestDirectoryWhateverTheRepositoryIsCalled(t *testing.T) {
	for _, name := range repoNames {
		t.Run(name, func(t *testing.T) {
			withRepo(t, name)
			clearEnv(t)
			dir := t.TempDir()
			want := filepath.Join(dir, name, "interop/demo/demo_c")
			if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(want, nil, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("RUNFILES_DIR", dir)
			got, err := Rlocation("libunet/interop/demo/demo_c")
			if err != nil || got != want {
				t.Fatalf("Rlocation = %q, %v; want %q", got, err, want)
			}
		})
	}
}

func TestManifestWhateverTheRepositoryIsCalled(t *testing.T) {
	for _, name := range repoNames {
		t.Run(name, func(t *testing.T) {
			withRepo(t, name)
			clearEnv(t)
			manifest := filepath.Join(t.TempDir(), "MANIFEST")
			lines := []string{
				"other/interop/demo/demo_c /elsewhere/wrong",
				name + "/interop/demo/demo_c /real/place/demo_c",
			}
			if err := os.WriteFile(manifest, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("RUNFILES_MANIFEST_FILE", manifest)
			got, err := Rlocation("libunet/interop/demo/demo_c")
			if err != nil || got != "/real/place/demo_c" {
				t.Fatalf("Rlocation = %q, %v; want /real/place/demo_c", got, err)
			}
		})
	}
}

func TestMissingFileIsAnErrorNamingIt(t *testing.T) {
	withRepo(t, "_main")
	clearEnv(t)
	t.Setenv("RUNFILES_DIR", t.TempDir())
	if _, err := Rlocation("libunet/no/such/file"); err == nil || !strings.Contains(err.Error(), "_main/no/such/file") {
		t.Fatalf("Rlocation of a missing file: %v", err)
	}
}

func TestAnAbsolutePathIsReturnedAsItIs(t *testing.T) {
	withRepo(t, "_main")
	clearEnv(t)
	t.Setenv("RUNFILES_DIR", t.TempDir())
	if got, err := Rlocation("/usr/bin/env"); err != nil || got != "/usr/bin/env" {
		t.Fatalf("Rlocation = %q, %v; want /usr/bin/env", got, err)
	}
}

func TestOtherRepositoriesAreLookedUpAsNamed(t *testing.T) {
	withRepo(t, "_main")
	clearEnv(t)
	dir := t.TempDir()
	want := filepath.Join(dir, "bazel_tools/tools/x")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RUNFILES_DIR", dir)
	if got, err := Rlocation("bazel_tools/tools/x"); err != nil || got != want {
		t.Fatalf("Rlocation = %q, %v; want %q", got, err, want)
	}
}

func TestOwnRunfilesAreFound(t *testing.T) {
	// This test's own data file, through the repository name written in at
	// link time and Bazel's real environment.
	path, err := Rlocation("libunet/tools/go/runfiles/runfiles_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
