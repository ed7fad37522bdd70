import Ingest
import Schema
import Testing
import TestSupport

/// Exports from other systems, read through `govstats.toml` without code changes.
@Suite struct OtherExportsTests {
    @Test func usDispatchExportWithTwelveHourTimes() throws {
        let config = try GovStatsConfig.parse("""
            [alarm_calls]
            columns = { call_id = "Incident Number", received_at = "Call Date", district = "Police District", category = "Call Type", call_type = "Priority" }
            datetime_formats = ["MM/dd/yyyy hh:mm:ss a"]
            theft_categories = ["THEFT", "BURGLARY"]
            alarm_call_types = ["A", "B"]
            """, file: "govstats.toml")
        let (result, rejects) = try ingest([
            "alarm_calls/dispatch.csv": """
                Incident Number,Call Date,Police District,Call Type,Priority,Address
                180010001,01/01/2018 12:05:00 AM,MISSION,THEFT,A,"100 Block of 16th St, SF"
                180010002,01/01/2018 12:30:00 PM,TENDERLOIN,ASSAULT,C,Jones St
                180010003,02/28/2018 11:59:59 PM,MISSION,BURGLARY,B,Valencia St
                180010004,02/30/2018 01:00:00 AM,MISSION,THEFT,A,Mission St

                """,
        ], config: config)
        #expect(result.refusals.isEmpty)
        #expect(rejects.map { "\($0.line) \($0.column) \($0.reason)" } == ["5 received_at '02/30/2018 01:00:00 AM' is not a valid date and time"])
        let store = result.dataset(.alarmCalls)!.store
        #expect(store.count == 3)
        let times = store.slots(of: "received_at").map { Slot.dayNumber($0) }
        #expect(times.map { LocalDate(dayNumber: $0).description } == ["2018-01-01", "2018-01-01", "2018-02-28"])
        #expect(store.slots(of: "received_at")[0] % 172_800 == 5 * 60 * 2)  // 00:05:00, day precision
    }

    @Test func policeUKMonthOnlyDatesAndEmptyIDs() throws {
        let config = try GovStatsConfig.parse("""
            [alarm_calls]
            columns = { call_id = "Crime ID", received_at = "Month", district = "Falls within", street = "LSOA name", category = "Crime type" }
            datetime_formats = ["yyyy-MM"]
            theft_categories = ["Burglary", "Bicycle theft", "Other theft", "Shoplifting", "Theft from the person"]
            """, file: "govstats.toml")
        let (result, rejects) = try ingest([
            "alarm_calls/2018-02-metropolitan-street.csv": """
                Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context
                ,2018-02,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near Park Lane,E01000001,City of London 001A,Anti-social behaviour,,
                a1b2c3,2018-02,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near Bank,E01000002,City of London 001B,Burglary,Under investigation,
                d4e5f6,2018-01,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near Bank,E01000002,City of London 001B,Shoplifting,,

                """,
        ], config: config)
        // Anti-social behaviour rows have no Crime ID: rejected, named.
        #expect(rejects.map { "\($0.line) \($0.column) \($0.reason)" } == ["2 call_id required value missing"])
        let dataset = result.dataset(.alarmCalls)!
        #expect(counts(dataset.files[0]) == [3, 2, 1, 0, 0])
        let slots = dataset.store.slots(of: "received_at")
        #expect(slots.allSatisfy(Slot.isMonthPrecision))
        #expect(slots.map { LocalDate(dayNumber: Slot.dayNumber($0)).description } == ["2018-02-01", "2018-01-01"])
    }
}
