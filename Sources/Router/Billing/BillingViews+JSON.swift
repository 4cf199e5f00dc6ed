import Contracts
import Wire

// The REST shapes of BillingService's views: snake_case members, RFC 3339 UTC timestamps, nulls kept.

extension PlanView {
    /// `{"id","name","price_cents","currency","included":{"whatsapp","email"},"overage_cents":{…},"instances","white_label"}`.
    var json: JSONValue {
        [
            "id": .string(id), "name": .string(name), "price_cents": .int(Int(priceCents)), "currency": .string(currency),
            "included": ["whatsapp": .int(Int(includedWhatsapp)), "email": .int(Int(includedEmail))],
            "overage_cents": ["whatsapp": .int(Int(overageWhatsappCents)), "email": .int(Int(overageEmailCents))],
            "instances": .int(instances), "white_label": .bool(whiteLabel),
        ]
    }
}

extension CatalogView {
    /// `{"data":[plan…],"trial":{"days","units"}}`.
    var json: JSONValue {
        ["data": .array(plans.map(\.json)), "trial": ["days": .int(trialDays), "units": .int(Int(trialUnits))]]
    }
}

extension SubscriptionView {
    /// `{"plan","status","current_period_start","current_period_end","trial":null|{…},"pending_plan"}`.
    var json: JSONValue {
        let trial: JSONValue = self.trial.map {
            [
                "ends_at": .date($0.endsAt), "days_left": .int($0.daysLeft), "units_used": .int(Int($0.unitsUsed)),
                "units_limit": .int(Int($0.unitsLimit)),
            ]
        } ?? .null
        return [
            "plan": .string(plan), "status": .string(status), "current_period_start": .date(currentPeriodStart),
            "current_period_end": .date(currentPeriodEnd), "trial": trial, "pending_plan": .string(pendingPlan),
        ]
    }
}

extension WalletView {
    /// `{"balance_cents","currency","reserved_cents"}`.
    var json: JSONValue {
        ["balance_cents": .int(Int(balanceCents)), "currency": .string(currency), "reserved_cents": .int(Int(reservedCents))]
    }
}

extension LedgerEntryView {
    /// `{"id","at","type","amount_cents","balance_after_cents","reference"}`.
    var json: JSONValue {
        [
            "id": .string(id), "at": .date(at), "type": .string(type), "amount_cents": .int(Int(amountCents)),
            "balance_after_cents": .int(Int(balanceAfterCents)), "reference": .string(reference),
        ]
    }
}

extension UsageView {
    /// `{"meter","included","used","remaining","overage_units","overage_cents","thresholds_crossed"}`.
    var json: JSONValue {
        [
            "meter": .string(meter), "included": .int(Int(included)), "used": .int(Int(used)),
            "remaining": .int(Int(remaining)), "overage_units": .int(Int(overageUnits)),
            "overage_cents": .int(Int(overageCents)), "thresholds_crossed": .array(thresholdsCrossed.map(JSONValue.int)),
        ]
    }
}

extension ReferralsView {
    /// `{"code","level1","level2","earned_cents_total","earned_cents_this_period"}`.
    var json: JSONValue {
        [
            "code": .string(code), "level1": .int(level1), "level2": .int(level2),
            "earned_cents_total": .int(Int(earnedCentsTotal)), "earned_cents_this_period": .int(Int(earnedCentsThisPeriod)),
        ]
    }
}
