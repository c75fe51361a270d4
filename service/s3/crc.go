package s3api

import "sync"

// crcParams describe a reflected CRC whose register starts and ends
// inverted (all ones in, all ones XORed out), as CRC-32, CRC-32C and
// CRC-64/NVME are: poly is the reflected polynomial, width 32 or 64.
//
// For such a CRC, crc(A‖B) = Z(crc(A)) ⊕ crc(B), where Z runs the
// register over len(B) zero bytes without the inversions: the two
// inversions of crc(B) cancel the ones crc(A) would have had. Z is linear
// over GF(2), a width×width bit matrix; the matrices for 2^k zero bytes
// are squared out once, so combining costs a product per bit of len(B).
type crcParams struct {
	poly  uint64
	width int

	once   sync.Once
	powers [64]crcMatrix // powers[k] runs the register over 2^k zero bytes
}

// crcMatrix is a linear map on CRC registers: column i is the image of
// the register with only bit i set.
type crcMatrix [64]uint64

func (m *crcMatrix) apply(v uint64) uint64 {
	var out uint64
	for i := 0; v != 0; i, v = i+1, v>>1 {
		if v&1 != 0 {
			out ^= m[i]
		}
	}
	return out
}

// squared is m applied twice.
func (m *crcMatrix) squared(width int) crcMatrix {
	var out crcMatrix
	for i := 0; i < width; i++ {
		out[i] = m.apply(m[i])
	}
	return out
}

func (p *crcParams) init() {
	// One zero bit: the register shifts right, and the bit shifted out
	// brings the polynomial in.
	var bit crcMatrix
	bit[0] = p.poly
	for i := 1; i < p.width; i++ {
		bit[i] = 1 << (i - 1)
	}
	m := bit.squared(p.width) // two bits
	m = m.squared(p.width)    // four
	m = m.squared(p.width)    // a byte
	for k := range p.powers {
		p.powers[k] = m
		m = m.squared(p.width)
	}
}

// combine is the CRC of A followed by B, from A's CRC, B's CRC and B's
// length in bytes.
func (p *crcParams) combine(crcA, crcB uint64, lenB int64) uint64 {
	p.once.Do(p.init)
	for k := 0; lenB > 0; k, lenB = k+1, lenB>>1 {
		if lenB&1 != 0 {
			crcA = p.powers[k].apply(crcA)
		}
	}
	return crcA ^ crcB
}
