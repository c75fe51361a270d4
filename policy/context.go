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
	entries map[string]entry // by lower-cased key
}

// entry is a key as first set, and its values.
type entry struct {
	name   string
	values []string
}

// contextSize is room for the keys a request usually has (global keys,
// the caller's, the service's), so that building one does not grow the
// map several times over.
const contextSize = 16

// NewContext returns an empty context.
func NewContext() *Context {
	return &Context{entries: make(map[string]entry, contextSize)}
}

// Set gives key the values, replacing what it had.
func (c *Context) Set(key string, values ...string) {
	lower := lowerKey(key)
	e, ok := c.entries[lower]
	if !ok {
		e.name = key
	}
	e.values = values
	c.entries[lower] = e
}

// Delete removes key from the context.
func (c *Context) Delete(key string) {
	delete(c.entries, lowerKey(key))
}

// Get returns the values of key and whether the key is present.
func (c *Context) Get(key string) ([]string, bool) {
	return c.lookup(lowerKey(key))
}

// lookup is Get for a key that is already lower-case; it never allocates.
func (c *Context) lookup(lowerKey string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	e, ok := c.entries[lowerKey]
	return e.values, ok
}

// lowerKey is key lower-cased; the global keys every request sets are
// looked up rather than lower-cased anew each time.
func lowerKey(key string) string {
	if lower, ok := lowerGlobalKeys[key]; ok {
		return lower
	}
	return strings.ToLower(key)
}

var lowerGlobalKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport", "aws:SourceIp", "aws:RequestedRegion",
		"aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:PrincipalType",
		"aws:PrincipalIsAWSService", "aws:PrincipalServiceName", "aws:PrincipalAccount", "aws:PrincipalArn",
		"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge",
		"aws:TokenIssueTime", "aws:SourceIdentity", "aws:ViaAWSService", "aws:CalledVia", "aws:username", "aws:userid",
	} {
		m[k] = strings.ToLower(k)
	}
	return m
}()

// Keys returns the names of the keys present, sorted.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	keys := make([]string, 0, len(c.entries))
	for _, e := range c.entries {
		keys = append(keys, e.name)
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
	for k, e := range c.entries {
		out.entries[k] = e
	}
	return out
}
