package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds every key binding of the dashboard; the help line and the full
// help are generated from it.
type KeyMap struct {
	Generator     key.Binding // switch the generator on or off
	RateUp        key.Binding // next generator rate step
	RateDown      key.Binding // previous generator rate step
	Pause         key.Binding // pause or resume drawing
	WindowShorter key.Binding // shorter time window
	WindowLonger  key.Binding // longer time window
	PanBack       key.Binding // the window half a window earlier
	PanForward    key.Binding // the window half a window later
	PanBackFar    key.Binding // the window a whole window earlier
	PanForwardFar key.Binding // the window a whole window later
	GoTo          key.Binding // ask for a time and show the window ending there
	Live          key.Binding // back to live
	Next          key.Binding // focus the next pane
	Prev          key.Binding // focus the previous pane
	Left          key.Binding // focus the pane to the left
	Right         key.Binding // focus the pane to the right
	Up            key.Binding // focus the pane above
	Down          key.Binding // focus the pane below
	Zoom          key.Binding // zoom the focused pane to full screen and back
	Field         key.Binding // show the next plotted field (enabled once there are several)
	Timeline      key.Binding // show the group timeline instead of the panes, and back
	Snapshot      key.Binding // save the view as PNG and SVG
	Help          key.Binding // show or hide the full help
	Quit          key.Binding // quit
	Suspend       key.Binding // suspend to the shell (ctrl+z); fg resumes
}

// DefaultKeyMap returns the default key bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Generator:     key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "generator on/off")),
		RateUp:        key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster generator")),
		RateDown:      key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower generator")),
		Pause:         key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause drawing")),
		WindowShorter: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "shorter window")),
		WindowLonger:  key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "longer window")),
		PanBack:       key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "back half a window")),
		PanForward:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "forward half a window")),
		PanBackFar:    key.NewBinding(key.WithKeys("shift+left"), key.WithHelp("shift+←", "back a window")),
		PanForwardFar: key.NewBinding(key.WithKeys("shift+right"), key.WithHelp("shift+→", "forward a window")),
		GoTo:          key.NewBinding(key.WithKeys("@"), key.WithHelp("@", "go to a time")),
		Live:          key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "back to live")),
		Next:          key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		Prev:          key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Left:          key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "pane left")),
		Right:         key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "pane right")),
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "pane above")),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "pane below")),
		Zoom:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "zoom")),
		Field:         key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "next field")),
		Timeline:      key.NewBinding(key.WithKeys("G"), key.WithHelp("G", "group timeline")),
		Snapshot:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save picture (PNG, SVG)")),
		Help:          key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:          key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Suspend:       key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
	}
}

// ShortHelp returns the bindings of the one-line help (help.KeyMap); pairs of
// bindings are shown as one entry.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		short(k.Generator, "g", "generator"),
		short(k.RateUp, "+/-", "rate"),
		short(k.Pause, "space", "pause"),
		short(k.WindowShorter, "[/]", "window"),
		short(k.PanBack, "←/→", "pan"),
		short(k.GoTo, "@", "time"),
		short(k.Next, "tab", "focus"),
		short(k.Zoom, "enter", "zoom"),
		short(k.Field, "f", "field"),
		short(k.Help, "?", "help"),
		short(k.Quit, "q", "quit"),
	}
}

// short returns b with a shorter help text, keeping whether it is enabled.
func short(b key.Binding, keys, desc string) key.Binding {
	s := key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(keys, desc))
	s.SetEnabled(b.Enabled())
	return s
}

// FullHelp returns the bindings of the full help, by column (help.KeyMap).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Generator, k.RateUp, k.RateDown, k.Pause},
		{k.WindowShorter, k.WindowLonger, k.PanBack, k.PanForward, k.PanBackFar, k.PanForwardFar, k.GoTo, k.Live},
		{k.Zoom, k.Field, k.Timeline, k.Snapshot},
		{k.Next, k.Prev, k.Left, k.Right, k.Up, k.Down},
		{k.Help, k.Suspend, k.Quit},
	}
}
