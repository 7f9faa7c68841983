package tlsfiles

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"io"

	"golang.org/x/crypto/scrypt"
)

// Object identifiers of PKCS#5 v2.0 (RFC 8018) and the ciphers it names.
var (
	oidPBES2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}

	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}

	oidAES128CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3   = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidDESCBC    = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 7}
)

// encryptedPrivateKeyInfo is PKCS#8's EncryptedPrivateKeyInfo.
type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

// pbes2Params are the parameters of PBES2.
type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

// pbkdf2Params are the parameters of PBKDF2; the salt is always the
// "specified" OCTET STRING choice, the only one in use.
type pbkdf2Params struct {
	Salt           []byte
	IterationCount int
	KeyLength      int                      `asn1:"optional"`
	PRF            pkix.AlgorithmIdentifier `asn1:"optional"`
}

// scryptParams are the parameters of scrypt (RFC 7914).
type scryptParams struct {
	Salt                     []byte
	CostParameter            int
	BlockSize                int
	ParallelizationParameter int
	KeyLength                int `asn1:"optional"`
}

// pbeCipher is a CBC block cipher PBES2 can name.
type pbeCipher struct {
	name    string
	keySize int
	block   func(key []byte) (cipher.Block, error)
}

func cipherFor(oid asn1.ObjectIdentifier) (pbeCipher, bool) {
	switch {
	case oid.Equal(oidAES128CBC):
		return pbeCipher{"AES-128-CBC", 16, aes.NewCipher}, true
	case oid.Equal(oidAES192CBC):
		return pbeCipher{"AES-192-CBC", 24, aes.NewCipher}, true
	case oid.Equal(oidAES256CBC):
		return pbeCipher{"AES-256-CBC", 32, aes.NewCipher}, true
	case oid.Equal(oidDESEDE3):
		return pbeCipher{"DES-EDE3-CBC", 24, des.NewTripleDESCipher}, true
	case oid.Equal(oidDESCBC):
		return pbeCipher{"DES-CBC", 8, des.NewCipher}, true
	}
	return pbeCipher{}, false
}

func prfFor(alg pkix.AlgorithmIdentifier) (func() hash.Hash, bool) {
	switch oid := alg.Algorithm; {
	case len(oid) == 0, oid.Equal(oidHMACWithSHA1):
		return sha1.New, true // the DEFAULT of PBKDF2-params
	case oid.Equal(oidHMACWithSHA224):
		return sha256.New224, true
	case oid.Equal(oidHMACWithSHA256):
		return sha256.New, true
	case oid.Equal(oidHMACWithSHA384):
		return sha512.New384, true
	case oid.Equal(oidHMACWithSHA512):
		return sha512.New, true
	}
	return nil, false
}

// maxIterations bounds PBKDF2 work so that a hostile file cannot stall us.
const maxIterations = 10_000_000

// DecryptPKCS8 decrypts a DER EncryptedPrivateKeyInfo (the body of an
// "ENCRYPTED PRIVATE KEY" PEM block) and returns the PKCS#8 PrivateKeyInfo
// DER. It supports PBES2 with PBKDF2 (hmacWithSHA1/224/256/384/512) or
// scrypt, and AES-128/192/256-CBC, DES-EDE3-CBC or DES-CBC: what openssl
// writes. A wrong password yields an error wrapping ErrWrongPassword.
func DecryptPKCS8(der, password []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, fmt.Errorf("parse encrypted private key: %w", err)
	} else if len(rest) > 0 {
		return nil, errors.New("parse encrypted private key: trailing data")
	}
	if !info.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("%w: key encryption %s (want PBES2; re-encrypt with `openssl pkcs8 -topk8 -v2 aes256`)", ErrUnsupported, info.Algorithm.Algorithm)
	}
	var params pbes2Params
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		return nil, fmt.Errorf("parse PBES2 parameters: %w", err)
	}
	c, ok := cipherFor(params.EncryptionScheme.Algorithm)
	if !ok {
		return nil, fmt.Errorf("%w: PBES2 cipher %s", ErrUnsupported, params.EncryptionScheme.Algorithm)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(params.EncryptionScheme.Parameters.FullBytes, &iv); err != nil {
		return nil, fmt.Errorf("parse %s IV: %w", c.name, err)
	}
	key, err := deriveKey(params.KeyDerivationFunc, password, c.keySize)
	if err != nil {
		return nil, err
	}
	block, err := c.block(key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	if len(iv) != block.BlockSize() {
		return nil, fmt.Errorf("%s: IV of %d bytes, want %d", c.name, len(iv), block.BlockSize())
	}
	data := info.EncryptedData
	if len(data) == 0 || len(data)%block.BlockSize() != 0 {
		return nil, fmt.Errorf("%s: encrypted key of %d bytes is not a whole number of blocks", c.name, len(data))
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, data)
	plain, ok = unpad(plain, block.BlockSize())
	if !ok {
		return nil, ErrWrongPassword
	}
	// A wrong password passes the padding check about once in 256 tries:
	// the result must still be a DER SEQUENCE spanning the whole plaintext.
	var seq asn1.RawValue
	if rest, err := asn1.Unmarshal(plain, &seq); err != nil || len(rest) > 0 || seq.Tag != asn1.TagSequence {
		return nil, ErrWrongPassword
	}
	return plain, nil
}

// deriveKey runs the key derivation function of PBES2.
func deriveKey(kdf pkix.AlgorithmIdentifier, password []byte, size int) ([]byte, error) {
	switch {
	case kdf.Algorithm.Equal(oidPBKDF2):
		var p pbkdf2Params
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return nil, fmt.Errorf("parse PBKDF2 parameters: %w", err)
		}
		if p.KeyLength != 0 && p.KeyLength != size {
			return nil, fmt.Errorf("PBKDF2 key length %d, cipher wants %d", p.KeyLength, size)
		}
		if p.IterationCount < 1 || p.IterationCount > maxIterations {
			return nil, fmt.Errorf("PBKDF2 iteration count %d out of range 1-%d", p.IterationCount, maxIterations)
		}
		prf, ok := prfFor(p.PRF)
		if !ok {
			return nil, fmt.Errorf("%w: PBKDF2 PRF %s", ErrUnsupported, p.PRF.Algorithm)
		}
		return pbkdf2Key(prf, password, p.Salt, p.IterationCount, size)
	case kdf.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if _, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil {
			return nil, fmt.Errorf("parse scrypt parameters: %w", err)
		}
		if p.KeyLength != 0 && p.KeyLength != size {
			return nil, fmt.Errorf("scrypt key length %d, cipher wants %d", p.KeyLength, size)
		}
		if p.CostParameter > 1<<22 || p.BlockSize > 64 || p.ParallelizationParameter > 16 {
			return nil, fmt.Errorf("scrypt parameters N=%d r=%d p=%d too large", p.CostParameter, p.BlockSize, p.ParallelizationParameter)
		}
		key, err := scrypt.Key(password, p.Salt, p.CostParameter, p.BlockSize, p.ParallelizationParameter, size)
		if err != nil {
			return nil, fmt.Errorf("scrypt: %w", err)
		}
		return key, nil
	}
	return nil, fmt.Errorf("%w: PBES2 key derivation %s", ErrUnsupported, kdf.Algorithm)
}

// pbkdf2Key is PBKDF2 over HMAC with the given hash.
func pbkdf2Key(h func() hash.Hash, password, salt []byte, iterations, size int) ([]byte, error) {
	key, err := pbkdf2.Key(h, string(password), salt, iterations, size)
	if err != nil {
		return nil, fmt.Errorf("pbkdf2: %w", err)
	}
	return key, nil
}

// unpad removes PKCS#7 padding.
func unpad(b []byte, blockSize int) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > blockSize || n > len(b) {
		return nil, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, false
		}
	}
	return b[:len(b)-n], true
}

// EncryptPKCS8 encrypts a PKCS#8 PrivateKeyInfo DER with PBES2: PBKDF2 with
// hmacWithSHA256 and AES-256-CBC, as `openssl pkcs12 -in keyStore.p12 -out
// keyStore.pem` does with OpenSSL 3. It returns the EncryptedPrivateKeyInfo
// DER. rand supplies salt and IV; iterations of 0 means 2048, openssl's.
func EncryptPKCS8(rand io.Reader, pkcs8, password []byte, iterations int) ([]byte, error) {
	if iterations == 0 {
		iterations = 2048
	}
	if iterations < 1 || iterations > maxIterations {
		return nil, fmt.Errorf("encrypt private key: iteration count %d out of range", iterations)
	}
	salt := make([]byte, 8)
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return nil, fmt.Errorf("encrypt private key: salt: %w", err)
	}
	if _, err := io.ReadFull(rand, iv); err != nil {
		return nil, fmt.Errorf("encrypt private key: iv: %w", err)
	}
	key, err := pbkdf2Key(sha256.New, password, salt, iterations, 32)
	if err != nil {
		return nil, fmt.Errorf("encrypt private key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("encrypt private key: %w", err)
	}
	pad := aes.BlockSize - len(pkcs8)%aes.BlockSize
	plain := append(bytes.Clone(pkcs8), bytes.Repeat([]byte{byte(pad)}, pad)...)
	data := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, plain)

	kdfParams, err := asn1.Marshal(pbkdf2Params{
		Salt:           salt,
		IterationCount: iterations,
		PRF:            pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return nil, fmt.Errorf("encrypt private key: %w", err)
	}
	ivParam, err := asn1.Marshal(iv)
	if err != nil {
		return nil, fmt.Errorf("encrypt private key: %w", err)
	}
	schemeParams, err := asn1.Marshal(pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivParam}},
	})
	if err != nil {
		return nil, fmt.Errorf("encrypt private key: %w", err)
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: schemeParams}},
		EncryptedData: data,
	})
	if err != nil {
		return nil, fmt.Errorf("encrypt private key: %w", err)
	}
	return der, nil
}
