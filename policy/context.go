package policy

import (
	"sort"
	"strings"
)

// Context holds the condition keys of one request and their values.
// Key names are case-insensitive, as in AWS; values are kept as given.
// A key may be present with several values (aws:TagKeys) or with none.
//
// A Context is built once per request and only read during evaluation, so
// it may be shared by concurrent evaluations once built.
type Context struct {
	values map[string][]string // lower-cased key → values
	names  map[string]string   // lower-cased key → the key as first set
}

// NewContext returns an empty context.
func NewContext() *Context {
	return &Context{values: make(map[string][]string), names: make(map[string]string)}
}

// Set gives key the values, replacing what it had.
func (c *Context) Set(key string, values ...string) {
	lower := strings.ToLower(key)
	if _, ok := c.names[lower]; !ok {
		c.names[lower] = key
	}
	c.values[lower] = values
}

// Delete removes key from the context.
func (c *Context) Delete(key string) {
	lower := strings.ToLower(key)
	delete(c.values, lower)
	delete(c.names, lower)
}

// Get returns the values of key and whether the key is present.
func (c *Context) Get(key string) ([]string, bool) {
	return c.lookup(strings.ToLower(key))
}

// lookup is Get for a key that is already lower-case; it never allocates.
func (c *Context) lookup(lowerKey string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c.values[lowerKey]
	return v, ok
}

// Keys returns the names of the keys present, sorted.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	keys := make([]string, 0, len(c.names))
	for _, name := range c.names {
		keys = append(keys, name)
	}
	sort.Strings(keys)
	return keys
}

// Clone returns a copy that can be changed without touching c.
func (c *Context) Clone() *Context {
	out := NewContext()
	if c == nil {
		return out
	}
	for k, v := range c.values {
		out.values[k] = v
	}
	for k, v := range c.names {
		out.names[k] = v
	}
	return out
}
