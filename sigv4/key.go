package sigv4

import (
	"sync"
)

// SigningKey derives the SigV4 signing key for secret on date (YYYYMMDD)
// in region for service: the HMAC-SHA256 chain over "AWS4"+secret, date,
// region, service and "aws4_request".
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	sum := hmacSum(key, []byte(data))
	return sum[:]
}

// DefaultKeyCacheSize is the number of signing keys a KeyCache keeps in
// each of its two generations when made with size 0.
const DefaultKeyCacheSize = 4096

type keyID struct {
	secret, date, region, service string
}

// KeyCache remembers derived signing keys by (secret, date, region,
// service), so that verifying a request costs at most one HMAC chain. It
// is safe for concurrent use and holds at most twice its size: when the
// current generation is full it becomes the old one and the oldest is
// dropped; a key found in the old generation moves to the current one.
type KeyCache struct {
	size int

	mu  sync.Mutex
	cur map[keyID][]byte // guarded by mu
	old map[keyID][]byte // guarded by mu
}

// NewKeyCache returns a cache that keeps about size keys (at most twice
// that); size 0 means DefaultKeyCacheSize.
func NewKeyCache(size int) *KeyCache {
	if size <= 0 {
		size = DefaultKeyCacheSize
	}
	return &KeyCache{size: size, cur: make(map[keyID][]byte)}
}

// Key returns the signing key, deriving it on a miss. The returned slice
// must not be modified.
func (c *KeyCache) Key(secret, date, region, service string) []byte {
	id := keyID{secret, date, region, service}
	c.mu.Lock()
	k, ok := c.cur[id]
	if !ok {
		if k, ok = c.old[id]; ok {
			c.putLocked(id, k)
		}
	}
	c.mu.Unlock()
	if ok {
		return k
	}
	k = SigningKey(secret, date, region, service)
	c.mu.Lock()
	c.putLocked(id, k)
	c.mu.Unlock()
	return k
}

// Len returns the number of keys held.
func (c *KeyCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}

func (c *KeyCache) putLocked(id keyID, k []byte) {
	if len(c.cur) >= c.size {
		c.old = c.cur
		c.cur = make(map[keyID][]byte, c.size)
	}
	c.cur[id] = k
}
