package session

// AppendBody and DecodeBody expose the body encoding to the tests, which
// seal bodies of their own to reach the checks behind the seal.
var (
	AppendBody = (*Claims).appendBody
	DecodeBody = func(b []byte) (*Claims, error) { return decodeBody(string(b)) }
)
