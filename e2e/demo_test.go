package e2e

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemoTapeValid checks demo.tape with vhs itself (rendering needs ttyd,
// chromium and ffmpeg: scripts/demo.sh).
func TestDemoTapeValid(t *testing.T) {
	endToEnd(t)
	vhs := needTool(t, "vhs")
	validate := exec.Command(vhs, "validate", "demo.tape")
	validate.Dir = ".." // the tape names its output relative to the repository
	out, err := validate.CombinedOutput()
	if err != nil {
		t.Fatalf("vhs validate demo.tape: %v\n%s", err, out)
	}
}

// TestDemoGIF checks the rendered docs/demo.gif against demo.tape: it plays
// in real time (within 20% of what the tape sleeps and types while shown),
// lasts under 45 s, weighs under 5 MB, its text is readable at the README's
// 900 px, the README's first screen shows it, and it shows what the tape
// means at its three holds (checkDemoScenes).
func TestDemoGIF(t *testing.T) {
	t.Parallel() // decoding every frame takes a while under the race detector
	tape, err := os.ReadFile("../demo.tape")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planTape(string(tape))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../docs/demo.gif")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	g, err := scanGIF(f)
	if err != nil {
		t.Fatalf("docs/demo.gif: %v", err)
	}
	t.Logf("docs/demo.gif: %v for a tape of %v (%.0f%%), %d frames, %dx%d, %.2f MB",
		g.duration, plan.shown, 100*g.duration.Seconds()/plan.shown.Seconds(), g.frames,
		g.width, g.height, float64(info.Size())/(1<<20))
	if off := math.Abs(g.duration.Seconds()-plan.shown.Seconds()) / plan.shown.Seconds(); off > 0.2 {
		t.Errorf("the GIF plays %v for %v of tape (%.0f%% off): frames were missed (lower Set Framerate) or the tape changed since the render", g.duration, plan.shown, 100*off)
	}
	if g.duration > 45*time.Second {
		t.Errorf("the GIF lasts %v, want under 45s", g.duration)
	}
	if info.Size() > 5<<20 {
		t.Errorf("docs/demo.gif is %d bytes, want under 5 MB", info.Size())
	}
	if g.width != plan.width || g.height != plan.height {
		t.Errorf("the GIF is %dx%d, the tape %dx%d: render it again (scripts/demo.sh)", g.width, g.height, plan.width, plan.height)
	}
	if px := plan.fontSize * 900 / float64(plan.width); px < 12 {
		t.Errorf("at 900 px wide the text is %.1f px high, want at least 12 (Set FontSize, Set Width)", px)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	checkDemoScenes(t, f, plan, g.duration)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(strings.SplitN(string(readme), "\n", 16)[:15], "\n")
	if !strings.Contains(head, "](docs/demo.gif)") {
		t.Errorf("the README's first 15 lines do not show docs/demo.gif")
	}
}

func TestPlanTape(t *testing.T) {
	plan, err := planTape(`Set Width 800
Set Height 600
Set FontSize 14
Set TypingSpeed 100ms
Hide
Type "setup"
Sleep 5s
Show
Type "ab" Enter
Sleep 1.5s
Ctrl+B
Type '"'
Sleep 500ms
Sleep 5s
Hide
Sleep 1m
`)
	if err != nil {
		t.Fatal(err)
	}
	want := tapePlan{shown: 7300 * time.Millisecond, width: 800, height: 600, fontSize: 14, holds: []time.Duration{7300 * time.Millisecond}}
	if !reflect.DeepEqual(plan, want) {
		t.Errorf("plan = %+v, want %+v", plan, want)
	}
}

// tapePlan is what a tape means to show.
type tapePlan struct {
	shown         time.Duration // sleeping and typing while shown
	width, height int
	fontSize      float64
	holds         []time.Duration // where each shown Sleep of 5 s or more ends, in shown time
}

// longHold is the shortest Sleep that planTape counts as a hold: a scene
// the tape stops to show.
const longHold = 5 * time.Second

var typeCommand = regexp.MustCompile(`^Type(?:@(\S+))? (?:"([^"]*)"|'([^']*)'|` + "`([^`]*)`" + `)`)

// planTape adds up the time a vhs tape sleeps and types while shown.
func planTape(tape string) (tapePlan, error) {
	p := tapePlan{width: 1200, height: 600, fontSize: 22} // vhs's defaults
	typing, shown := 50*time.Millisecond, true
	for n, line := range strings.Split(tape, "\n") {
		words := strings.Fields(line)
		if len(words) == 0 || strings.HasPrefix(words[0], "#") {
			continue
		}
		bad := func(err error) (tapePlan, error) { return p, fmt.Errorf("demo.tape:%d: %w", n+1, err) }
		switch {
		case words[0] == "Hide" || words[0] == "Show":
			shown = words[0] == "Show"
		case words[0] == "Sleep" && len(words) > 1:
			d, err := tapeDuration(words[1])
			if err != nil {
				return bad(err)
			}
			if shown {
				p.shown += d
				if d >= longHold {
					p.holds = append(p.holds, p.shown)
				}
			}
		case strings.HasPrefix(words[0], "Type"):
			m := typeCommand.FindStringSubmatch(line)
			if m == nil {
				return bad(errors.New("a Type without a quoted string"))
			}
			speed := typing
			if m[1] != "" {
				d, err := tapeDuration(m[1])
				if err != nil {
					return bad(err)
				}
				speed = d
			}
			if shown {
				p.shown += time.Duration(len([]rune(m[2]+m[3]+m[4]))) * speed
			}
		case words[0] == "Set" && len(words) > 2:
			var err error
			switch words[1] {
			case "TypingSpeed":
				typing, err = tapeDuration(words[2])
			case "Width":
				p.width, err = strconv.Atoi(words[2])
			case "Height":
				p.height, err = strconv.Atoi(words[2])
			case "FontSize":
				p.fontSize, err = strconv.ParseFloat(words[2], 64)
			}
			if err != nil {
				return bad(err)
			}
		}
	}
	return p, nil
}

// tapeDuration parses a vhs time: 500ms, 2s, 1.5s, 1m, or a bare number of seconds.
func tapeDuration(s string) (time.Duration, error) {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		s += "s"
	}
	return time.ParseDuration(s)
}

// gifInfo is what scanGIF reads of a GIF.
type gifInfo struct {
	width, height int
	frames        int
	duration      time.Duration
}

// scanGIF reads a GIF's size, frame count and total delay without decoding
// its images (a few hundred full frames would take gigabytes).
func scanGIF(r io.Reader) (gifInfo, error) {
	var g gifInfo
	br := bufio.NewReader(r)
	var head [13]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return g, err
	}
	if string(head[:3]) != "GIF" {
		return g, errors.New("not a GIF")
	}
	g.width, g.height = int(binary.LittleEndian.Uint16(head[6:])), int(binary.LittleEndian.Uint16(head[8:]))
	if head[10]&0x80 != 0 {
		if _, err := br.Discard(3 << (head[10]&7 + 1)); err != nil {
			return g, err
		}
	}
	for {
		kind, err := br.ReadByte()
		if err != nil {
			return g, fmt.Errorf("no trailer: %w", err)
		}
		switch kind {
		case 0x3b: // trailer
			return g, nil
		case 0x21: // extension
			label, err := br.ReadByte()
			if err != nil {
				return g, err
			}
			if label == 0xf9 { // graphic control: the frame's delay in 1/100 s
				var gce [6]byte
				if _, err := io.ReadFull(br, gce[:]); err != nil {
					return g, err
				}
				g.duration += time.Duration(binary.LittleEndian.Uint16(gce[2:])) * 10 * time.Millisecond
				continue
			}
			if err := skipSubBlocks(br); err != nil {
				return g, err
			}
		case 0x2c: // image
			var desc [9]byte
			if _, err := io.ReadFull(br, desc[:]); err != nil {
				return g, err
			}
			if desc[8]&0x80 != 0 {
				if _, err := br.Discard(3 << (desc[8]&7 + 1)); err != nil {
					return g, err
				}
			}
			if _, err := br.ReadByte(); err != nil { // LZW minimum code size
				return g, err
			}
			if err := skipSubBlocks(br); err != nil {
				return g, err
			}
			g.frames++
		default:
			return g, fmt.Errorf("unknown block 0x%02x", kind)
		}
	}
}

func skipSubBlocks(br *bufio.Reader) error {
	for {
		n, err := br.ReadByte()
		if err != nil || n == 0 {
			return err
		}
		if _, err := br.Discard(int(n)); err != nil {
			return err
		}
	}
}
