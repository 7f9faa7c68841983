package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/kafkaplot/kafkaplot"

// goList runs go list with a format over the given packages (non-test code).
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list %s: %v %s", strings.Join(args, " "), err, stderr)
	}
	return strings.Fields(string(out))
}

// TestImportArrows checks ARCHITECTURE.md's one-way arrows on the non-test code
// with go list -deps: stream and schema are client code (no kfake, srfake
// or httptest); ui imports only ui/chart, its drawing core, which has
// neither bubbletea nor lipgloss in its dependencies; config only tlsfiles
// (it states which TLS files apply, tlsfiles loads them) and tlsfiles
// nothing of ours; embedded only stream, schema and tlsfiles (and its own
// certs); render (pictures) and export (CSV, JSON lines) nothing of ours
// and neither a terminal nor a Kafka library.
func TestImportArrows(t *testing.T) {
	servers := []string{"github.com/twmb/franz-go/pkg/kfake", "github.com/twmb/franz-go/pkg/sr/srfake", "net/http/httptest"}
	leaf := []string{"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss", "github.com/segmentio/kafka-go", "github.com/twmb/franz-go/pkg/kgo"}
	for _, tc := range []struct {
		pkg       string
		ours      []string // packages of this module it may depend on
		forbidden []string // other packages it must not depend on
	}{
		{pkg: "stream", ours: []string{"schema", "tlsfiles"}, forbidden: servers},
		{pkg: "schema", ours: []string{}, forbidden: servers},
		{pkg: "ui", ours: []string{"ui/chart"}},
		{pkg: "ui/chart", ours: []string{}, forbidden: []string{"github.com/charmbracelet/bubbletea", "github.com/charmbracelet/lipgloss"}},
		{pkg: "config", ours: []string{"tlsfiles"}},
		{pkg: "tlsfiles", ours: []string{}},
		{pkg: "extract", ours: []string{"schema"}},
		{pkg: "simulate", ours: []string{}},
		{pkg: "internal/cmdline", ours: []string{"internal/timespec"}},
		{pkg: "internal/timespec", ours: []string{}},
		{pkg: "internal/stall", ours: []string{}},
		{pkg: "internal/neterr", ours: []string{}},
		{pkg: "embedded", ours: []string{"stream", "schema", "tlsfiles", "embedded/certs"}},
		{pkg: "render", ours: []string{}, forbidden: leaf},
		{pkg: "export", ours: []string{}, forbidden: leaf},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			for _, dep := range goList(t, "-deps", "-f", "{{.ImportPath}}", "./"+tc.pkg) {
				own, isOurs := strings.CutPrefix(dep, module+"/")
				switch {
				case dep == module+"/"+tc.pkg:
				case isOurs && !slices.Contains(tc.ours, own):
					t.Errorf("%s depends on %s; it may depend on %v of ours", tc.pkg, own, tc.ours)
				case slices.Contains(tc.forbidden, dep):
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		})
	}
}

// engines are the commands' engines, one package each.
var engines = []string{"internal/cluster", "internal/consume", "internal/dashboard", "internal/doctor", "internal/group", "internal/plot", "internal/produce"}

// TestEngineArrows checks the arrows between the commands' engines with go
// list -deps: an engine never depends on another (connect, the shared base,
// and steps, the generator's sender, are not engines); connect depends on no
// engine, on steps nor on ui; and no package but the root (the command
// line) imports an engine.
func TestEngineArrows(t *testing.T) {
	forbidden := map[string][]string{"internal/connect": append([]string{"internal/steps", "ui"}, engines...)}
	forbidden["internal/steps"] = engines
	for _, e := range engines {
		forbidden[e] = slices.DeleteFunc(slices.Clone(engines), func(o string) bool { return o == e })
	}
	for pkg, not := range forbidden {
		for _, dep := range goList(t, "-deps", "-f", "{{.ImportPath}}", "./"+pkg) {
			if own, ok := strings.CutPrefix(dep, module+"/"); ok && slices.Contains(not, own) {
				t.Errorf("%s depends on %s", pkg, own)
			}
		}
	}
	lines := goList(t, "-f", "{{.ImportPath}}:{{join .Imports \",\"}}", "./...")
	for _, line := range lines {
		pkg, imports, _ := strings.Cut(line, ":")
		if pkg == module {
			continue
		}
		for _, imp := range strings.Split(imports, ",") {
			if own, ok := strings.CutPrefix(imp, module+"/"); ok && slices.Contains(engines, own) {
				t.Errorf("%s imports the engine %s: only the root may", pkg, own)
			}
		}
	}
}

// TestOnlyMainImportsEmbedded checks that no package but a command (package
// main: kafkaplot, the programs under tools/), the engines of the commands that start
// the in-process cluster (dashboard, cluster) or embedded's own imports it.
func TestOnlyMainImportsEmbedded(t *testing.T) {
	lines, err := exec.Command("go", "list", "-f", "{{.Name}}:{{.ImportPath}}:{{join .Imports \",\"}}", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		name, rest, _ := strings.Cut(line, ":")
		pkg, imports, _ := strings.Cut(rest, ":")
		if name == "main" || strings.HasPrefix(pkg, module+"/embedded") || pkg == module+"/internal/dashboard" || pkg == module+"/internal/cluster" ||
			strings.HasPrefix(pkg, testsupportPath) { // the test-support packages are for tests only: TestOnlyTestsImportTestsupport
			continue
		}
		for _, imp := range strings.Split(imports, ",") {
			if imp == module+"/embedded" || strings.HasPrefix(imp, module+"/embedded/") {
				t.Errorf("%s imports %s: only main and tests may", pkg, imp)
			}
		}
	}
}

// testsupportPath is the import path of the test-support packages.
const testsupportPath = module + "/internal/testsupport"

// TestOnlyTestsImportTestsupport checks that no package's non-test code
// imports internal/testsupport (or its subpackages) but their own.
func TestOnlyTestsImportTestsupport(t *testing.T) {
	for _, line := range goList(t, "-f", "{{.ImportPath}}:{{join .Imports \",\"}}", "./...") {
		pkg, imports, _ := strings.Cut(line, ":")
		if strings.HasPrefix(pkg, testsupportPath) {
			continue
		}
		for _, imp := range strings.Split(imports, ",") {
			if strings.HasPrefix(imp, testsupportPath) {
				t.Errorf("%s imports %s: only tests may", pkg, imp)
			}
		}
	}
}

// TestClientPackagesServeNothing checks that the non-test files of stream
// and schema neither listen nor serve HTTP: net/http's server half is in the
// same package as its client, so go list cannot tell them apart.
func TestClientPackagesServeNothing(t *testing.T) {
	serving := map[string][]string{
		"http": {"Server", "Handler", "HandlerFunc", "ServeMux", "NewServeMux", "ResponseWriter", "ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"},
		"net":  {"Listen", "ListenTCP", "ListenConfig"},
	}
	for _, pkg := range []string{"stream", "schema"} {
		files := goList(t, "-f", "{{join .GoFiles \" \"}}", "./"+pkg)
		if len(files) == 0 {
			t.Fatalf("%s: no files", pkg)
		}
		for _, name := range files {
			path := filepath.Join(pkg, name)
			file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && slices.Contains(serving[x.Name], sel.Sel.Name) {
					t.Errorf("%s uses %s.%s: server code belongs in package embedded", path, x.Name, sel.Sel.Name)
				}
				return true
			})
		}
	}
}
