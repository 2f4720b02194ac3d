import Foundation

/// DNP3 over a serial line (RS-232/485): the port in raw mode at the configured speed and framing.
final class SerialChannel: DescriptorChannel, DNP3Channel {
    let settings: SerialSettings

    init(settings: SerialSettings) { self.settings = settings }

    func open(timeout: Duration) throws(DNP3ChannelError) {
        close()
        let s = Glibc.open(settings.device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard s >= 0 else { throw .errno("open \(settings.device)") }
        var tio = termios()
        guard tcgetattr(s, &tio) == 0 else {
            let error = DNP3ChannelError.errno("configure \(settings.device)")
            _ = Glibc.close(s)
            throw error
        }
        cfmakeraw(&tio)
        let speed = Self.speed(settings.baud)
        cfsetispeed(&tio, speed)
        cfsetospeed(&tio, speed)
        tio.c_cflag &= ~tcflag_t(CSIZE | PARENB | PARODD | CSTOPB)
        tio.c_cflag |= tcflag_t([5: CS5, 6: CS6, 7: CS7][settings.dataBits] ?? CS8) | tcflag_t(CLOCAL | CREAD)
        switch settings.parity {
        case .even: tio.c_cflag |= tcflag_t(PARENB)
        case .odd: tio.c_cflag |= tcflag_t(PARENB | PARODD)
        case .none: break
        }
        if settings.stopBits == 2 { tio.c_cflag |= tcflag_t(CSTOPB) }
        guard tcsetattr(s, TCSANOW, &tio) == 0 else {
            let error = DNP3ChannelError.errno("configure \(settings.device)")
            _ = Glibc.close(s)
            throw error
        }
        tcflush(s, TCIOFLUSH)
        fd = s
    }

    /// The speeds a serial line can be set to (the configuration accepts only these).
    static let speeds: [Int: Int32] = [
        300: B300, 600: B600, 1200: B1200, 2400: B2400, 4800: B4800, 9600: B9600, 19200: B19200, 38400: B38400,
        57600: B57600, 115_200: B115200, 230_400: B230400, 460_800: B460800, 921_600: B921600,
    ]

    static func speed(_ baud: Int) -> speed_t { speed_t(speeds[baud] ?? B9600) }
}
