import Foundation

/// `purrpurr mail`: lists the mail the development catcher stored (newest first, with every link, so a
/// magic link is one copy away), or prints one message's text.
///
/// ```
/// purrpurr mail [--dir DIR (default .purrpurr/mail)] [--limit N (default 20)] [--json]
/// purrpurr mail show NAME [--dir DIR]      # NAME with or without .eml
/// ```
///
/// `--json` prints one JSON object per line and message: `name`, `date` (ISO 8601, UTC), `from`, `to`,
/// `subject`, `links`. An empty or missing folder prints a friendly line and exits 0; a file that cannot be
/// read is reported and makes the exit status 1 (the others are still listed).
enum MailCommand {
    /// Where `purrpurr up` stores caught mail.
    static let defaultDirectory = ".purrpurr/mail"
    /// Messages listed without `--limit`.
    static let defaultLimit = 20

    /// The parsed command line.
    struct Options: Equatable {
        /// `--dir`: the folder to read.
        var directory = MailCommand.defaultDirectory
        /// `--limit`: how many messages the list shows.
        var limit = MailCommand.defaultLimit
        /// `--json`: one JSON object per line instead of text.
        var json = false
        /// `show NAME`: print this message instead of the list.
        var show: String?
    }

    /// Parses `arguments` (after `mail`), runs, and returns the exit status (64 for a usage error).
    /// `environment` is not read today; it keeps the shape of the other commands.
    static func run(
        arguments: [String], environment: [String: String], output: (String) -> Void,
        errorOutput: (String) -> Void
    ) -> Int32 {
        let options: Options
        switch parse(arguments) {
        case .success(let parsed):
            options = parsed
        case .failure(let usage):
            errorOutput("purrpurr mail: \(usage.message)")
            return CommandLineTool.usageStatus
        }
        if let name = options.show {
            return show(name: name, directory: options.directory, output: output, errorOutput: errorOutput)
        }
        return list(options, output: output, errorOutput: errorOutput)
    }

    /// A usage error's message.
    struct UsageError: Error, Equatable {
        var message: String
    }

    /// Parses the options; flags may come before or after `show NAME`.
    static func parse(_ arguments: [String]) -> Result<Options, UsageError> {
        var options = Options()
        var positional: [String] = []
        var limitGiven = false
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--dir":
                guard let value = rest.popFirst(), !value.isEmpty else {
                    return .failure(UsageError(message: "--dir needs a directory"))
                }
                options.directory = value
            case "--limit":
                guard let value = rest.popFirst(), let number = Int(value), (1...100_000).contains(number) else {
                    return .failure(UsageError(message: "--limit needs a number from 1 to 100000"))
                }
                options.limit = number
                limitGiven = true
            case "--json":
                options.json = true
            default:
                if argument.hasPrefix("-") {
                    return .failure(UsageError(message: "unknown option '\(argument)'"))
                }
                positional.append(argument)
            }
        }
        switch positional.count {
        case 0:
            return .success(options)
        case 2 where positional[0] == "show":
            let name = positional[1]
            guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
                return .failure(UsageError(message: "show needs a message name from the list, not a path"))
            }
            guard !options.json, !limitGiven else {
                return .failure(UsageError(message: "--json and --limit apply to the list, not to show"))
            }
            options.show = name
            return .success(options)
        default:
            if positional[0] == "show" {
                return .failure(UsageError(message: "usage: purrpurr mail show NAME"))
            }
            return .failure(UsageError(message: "unknown argument '\(positional[0])'"))
        }
    }

    /// Prints the newest messages.
    private static func list(_ options: Options, output: (String) -> Void, errorOutput: (String) -> Void) -> Int32 {
        let names: [String]
        do {
            names = try CaughtMail.files(in: options.directory)
        } catch {
            errorOutput("purrpurr mail: cannot read the folder \(options.directory)")
            return 1
        }
        guard !names.isEmpty else {
            if !options.json {
                output("No mail caught yet in \(options.directory). Mail sent while `purrpurr up` runs lands here.")
            }
            return 0
        }
        var status: Int32 = 0
        var mails: [CaughtMail] = []
        for name in names.prefix(options.limit) {
            do {
                mails.append(try CaughtMail(contentsOf: options.directory + "/" + name))
            } catch {
                errorOutput("purrpurr mail: cannot read \(name)")
                status = 1
            }
        }
        if options.json {
            for mail in mails { output(MailListing.json(mail)) }
        } else {
            output(MailListing.summary(shown: mails.count, total: names.count, directory: options.directory))
            for mail in mails { output(MailListing.text(mail)) }
        }
        return status
    }

    /// Prints one message's text part (or its HTML part when there is no text part).
    private static func show(
        name: String, directory: String, output: (String) -> Void, errorOutput: (String) -> Void
    ) -> Int32 {
        let fileName = name.hasSuffix(".eml") ? name : name + ".eml"
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else {
            errorOutput("purrpurr mail: no message named \(name) in \(directory)")
            return 1
        }
        let mail: CaughtMail
        do {
            mail = try CaughtMail(contentsOf: path)
        } catch {
            errorOutput("purrpurr mail: cannot read \(fileName)")
            return 1
        }
        guard let body = mail.text ?? mail.html else {
            errorOutput("purrpurr mail: \(fileName) has no text or HTML part")
            return 1
        }
        output(body.hasSuffix("\n") ? String(body.dropLast()) : body)
        return 0
    }
}
