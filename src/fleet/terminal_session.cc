#include "fleet/terminal_session.h"

namespace sl::fleet {

using jt808::ReplyResult;
namespace msg = jt808::msg;

void TerminalSession::OnBytes(jt808::ByteView data, jt808::Bytes& out) {
  packets_.clear();
  splitter_.Feed(data, packets_);
  for (const jt808::Bytes& bytes : packets_) {
    ++stats_.packets;
    Result<jt808::Packet> packet = jt808::ParsePacket(bytes);
    if (!packet.ok()) {
      ++stats_.malformed;  // no trustworthy header to reply to
      continue;
    }
    if (packet->header.subpackage) {
      GeneralReply(packet->header, ReplyResult::kOk, out);
      std::optional<jt808::Packet> whole = reassembler_.Add(std::move(*packet), clock_.NowMs());
      if (whole) Handle(*whole, false, out);
      continue;
    }
    Handle(*packet, true, out);
  }
  if (reassembler_.pending() == 0) return;
  for (const jt808::MissingParts& missing : reassembler_.DueResends(clock_.NowMs())) {
    ++stats_.resend_requests;
    Send(missing.header, msg::kResendRequest,
         jt808::EncodeResendRequest({missing.first_serial, missing.packet_indices}, missing.header.edition), out);
  }
}

void TerminalSession::Send(const jt808::Header& to, uint16_t msg_id, jt808::ByteView body, jt808::Bytes& out) {
  jt808::Header h;
  h.msg_id = msg_id;
  h.edition = to.edition;
  h.protocol_version = to.protocol_version;
  h.phone = to.phone;
  h.serial = serial_++;
  jt808::Bytes frame = jt808::EncodeFrame(h, body);
  out.insert(out.end(), frame.begin(), frame.end());
}

void TerminalSession::GeneralReply(const jt808::Header& to, ReplyResult result, jt808::Bytes& out) {
  Send(to, msg::kPlatformReply,
       jt808::EncodeGeneralReply({to.serial, to.msg_id, static_cast<uint8_t>(result)}), out);
}

void TerminalSession::Handle(const jt808::Packet& packet, bool reply, jt808::Bytes& out) {
  const jt808::Header& h = packet.header;
  auto answer = [&](ReplyResult result) {
    if (reply) GeneralReply(h, result, out);
  };
  if (authenticated_ && h.phone != phone_) {
    ++stats_.refused;
    return answer(ReplyResult::kFail);
  }
  if (h.encryption != 0) {
    ++stats_.unsupported;
    return answer(ReplyResult::kUnsupported);
  }
  switch (h.msg_id) {
    case msg::kTerminalReply:
      return;  // acknowledgements of platform messages need no answer
    case msg::kHeartbeat:
      return answer(ReplyResult::kOk);
    case msg::kRegister: {
      Result<jt808::Registration> reg = jt808::DecodeRegistration(packet.body, h.edition);
      if (!reg.ok()) {
        ++stats_.malformed;
        return answer(ReplyResult::kMessageError);
      }
      TerminalSink::RegisterOutcome outcome = sink_.Register(h.phone, h.edition, *reg);
      return Send(h, msg::kRegisterReply,
                  jt808::EncodeRegistrationReply({h.serial, outcome.result, outcome.auth_code}), out);
    }
    case msg::kAuthenticate: {
      Result<jt808::Authentication> auth = jt808::DecodeAuthentication(packet.body, h.edition);
      if (!auth.ok()) {
        ++stats_.malformed;
        return answer(ReplyResult::kMessageError);
      }
      if (!sink_.Authenticate(h.phone, auth->auth_code)) {
        ++stats_.refused;
        return answer(ReplyResult::kFail);
      }
      authenticated_ = true;
      phone_ = h.phone;
      return answer(ReplyResult::kOk);
    }
    case msg::kLocation:
    case msg::kBatchLocation: {
      if (!authenticated_) {
        ++stats_.refused;
        return answer(ReplyResult::kFail);
      }
      std::vector<jt808::Location> fixes;
      bool blind_area = false;
      if (h.msg_id == msg::kLocation) {
        Result<jt808::Location> loc = jt808::DecodeLocation(packet.body);
        if (!loc.ok()) {
          ++stats_.malformed;
          return answer(ReplyResult::kMessageError);
        }
        fixes.push_back(std::move(*loc));
      } else {
        Result<jt808::BatchLocation> batch = jt808::DecodeBatchLocation(packet.body);
        if (!batch.ok()) {
          ++stats_.malformed;
          return answer(ReplyResult::kMessageError);
        }
        blind_area = batch->type == 1;
        fixes = std::move(batch->locations);
      }
      if (!sink_.Positions(h.phone, fixes, blind_area)) {
        ++stats_.refused;
        return answer(ReplyResult::kFail);
      }
      stats_.fixes += fixes.size();
      return answer(ReplyResult::kOk);
    }
    default:
      ++stats_.unsupported;
      return answer(ReplyResult::kUnsupported);
  }
}

}  // namespace sl::fleet
