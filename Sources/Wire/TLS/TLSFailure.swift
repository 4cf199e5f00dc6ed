internal import COpenSSL

/// Maps a failed `SSL_*` call to a `TLSError`. Reads (and clears) the OpenSSL error queue, so it must be
/// called right after the failing call on the same thread.
enum TLSFailure {
    /// Classifies `sslError` (from `SSL_get_error`) for `ssl`.
    static func classify(ssl: OpaquePointer, sslError: Int32, handshaking: Bool) -> TLSError {
        let entry = TLSErrorQueue.take()
        switch sslError {
        case SSL_ERROR_SSL:
            break
        case SSL_ERROR_SYSCALL:
            return TLSError(.io, reason: entry?.text ?? "unexpected end of data")
        default:
            return TLSError(.protocolError, reason: "unexpected SSL_get_error result \(sslError)")
        }
        guard let entry else {
            return TLSError(handshaking ? .handshakeFailed : .protocolError, reason: "unknown OpenSSL error")
        }
        if entry.library == ERR_LIB_SSL {
            let verifyResult = SSL_get_verify_result(ssl)
            if entry.reason == SSL_R_CERTIFICATE_VERIFY_FAILED, verifyResult != X509_V_OK {
                return TLSError(.certificateRejected, reason: verifyReason(verifyResult))
            }
            if let reason = certificateReason(entry.reason) {
                return TLSError(.certificateRejected, reason: reason)
            }
            if isNotTLS(entry.reason) {
                return TLSError(.protocolError, reason: entry.text)
            }
        }
        return TLSError(handshaking ? .handshakeFailed : .protocolError, reason: entry.text)
    }

    /// A short reason for an `X509_V_ERR_*` verify result.
    static func verifyReason(_ result: Int) -> String {
        switch Int32(truncatingIfNeeded: result) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
             X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_CERT_SIGNATURE_FAILURE:
            return "unknown CA"
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return "name mismatch"
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "expired"
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "not yet valid"
        case X509_V_ERR_INVALID_PURPOSE:
            return "wrong purpose"
        case X509_V_ERR_INVALID_CA:
            return "invalid CA"
        case X509_V_ERR_CERT_REVOKED:
            return "revoked"
        default:
            return X509_verify_cert_error_string(result).map { String(cString: $0) } ?? "verify error \(result)"
        }
    }

    /// Certificate problems: ours as reported by the peer's alert, or a missing peer certificate.
    private static func certificateReason(_ reason: Int32) -> String? {
        switch reason {
        case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE: return "no certificate"
        case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED: return "rejected by peer: no certificate"
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA: return "rejected by peer: unknown CA"
        case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED: return "rejected by peer: expired"
        case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED: return "rejected by peer: revoked"
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN,
             SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
            return "rejected by peer: bad certificate"
        default: return nil
        }
    }

    /// Reasons meaning the peer's bytes are not TLS at all (plain HTTP, garbage, a huge bogus length).
    private static func isNotTLS(_ reason: Int32) -> Bool {
        switch reason {
        case SSL_R_WRONG_VERSION_NUMBER, SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST, SSL_R_UNKNOWN_PROTOCOL,
             SSL_R_PACKET_LENGTH_TOO_LONG, SSL_R_RECORD_LENGTH_MISMATCH:
            return true
        default:
            return false
        }
    }
}
