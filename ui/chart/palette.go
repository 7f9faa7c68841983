package chart

// This file gives series their colours.

// NameHash returns the 32-bit FNV-1a hash of name.
func NameHash(name string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	return h
}

// Palette assigns colour indexes (for Styles.seriesInk) to the series of a
// pane, reusing its buffer between frames.
type Palette struct {
	used []bool // by colour index
}

// Assign sets the colour of every series of order, which must be in natural
// order of names. A series takes the palette colour its name hashes to; when
// an earlier name (in natural order) holds that colour, it takes the next free
// one, and once every colour is taken, the same colours again with another
// marker and dash. The colours depend only on the set of names, not on the
// order they arrived in, so every instance draws sensor4 alike.
func (pl *Palette) Assign(order []*Series, colours int) {
	n := max(colours, 1)
	size := ((len(order) + n - 1) / n) * n
	if cap(pl.used) < size {
		pl.used = make([]bool, size)
	}
	used := pl.used[:size]
	clear(used)
	round, taken := 0, 0 // the first round with a free colour, and how many of it are taken
	for _, sr := range order {
		slot := int(sr.hash % uint32(n))
		base := round * n
		c := slot
		for used[base+c] {
			c = (c + 1) % n
		}
		used[base+c] = true
		sr.Color = base + c
		if taken++; taken == n {
			round, taken = round+1, 0
		}
	}
}
